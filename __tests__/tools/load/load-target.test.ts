import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LoadTargetError, loadTarget } from "../../../tools/load/load-target";
import { type StackEndpoints, writeEndpointsFile } from "../../../tools/shared/endpoints-file";

let stateDir: string;
let endpointsFile: string;
const signing = {
  region: "us-east-1",
  credentials: { accessKeyId: "LOCALAAAAAAAAAAAAAAA", secretAccessKey: "s" },
};
const local: StackEndpoints = {
  url: "http://127.0.0.1:4010/dev",
  auth: "iam",
  apiKey: null,
  signing,
  dynamodbEndpoint: "http://127.0.0.1:1",
  sqsEndpoint: "http://127.0.0.1:2",
  outputs: {},
};
const deployed = "https://abc123.execute-api.eu-west-1.amazonaws.com/dev";

beforeAll(() => {
  stateDir = mkdtempSync(path.join(tmpdir(), "cqrs-load-target-"));
  endpointsFile = writeEndpointsFile({ "direct-projection": local }, stateDir);
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

test("the endpoints file, which holds the run's keys, is readable by its owner only", () => {
  expect(statSync(endpointsFile).mode & 0o777).toBe(0o600);
});

test("a URL npm start serves is called with that run's credentials", () => {
  expect(loadTarget({ url: `${local.url}/` }, endpointsFile)).toEqual({
    url: `${local.url}/`,
    apiKey: null,
    signing,
  });
});

test("a deployed stage signs by default, in the region of its execute-api host name", () => {
  const target = loadTarget({ url: deployed }, endpointsFile, {});
  expect(target.signing?.region).toBe("eu-west-1");
  expect(typeof target.signing?.credentials).toBe("function");
  expect(target.apiKey).toBeUndefined();
  expect(loadTarget({ url: deployed, region: "us-west-2" }, endpointsFile, {}).signing?.region).toBe(
    "us-west-2",
  );
  expect(
    loadTarget({ url: "https://api.example.com/dev" }, endpointsFile, { AWS_REGION: "ap-south-1" }).signing
      ?.region,
  ).toBe("ap-south-1");
});

test("--api-key implies api_key; --auth none sends nothing", () => {
  expect(loadTarget({ url: deployed, apiKey: "k" }, endpointsFile)).toEqual({ url: deployed, apiKey: "k" });
  expect(loadTarget({ url: deployed, auth: "none" }, endpointsFile)).toEqual({ url: deployed });
});

test.each([
  [{ url: deployed, auth: "sigv4" }, '--auth must be one of iam, api_key, none, got "sigv4"'],
  [{ url: deployed, auth: "api_key" }, "--auth api_key needs --api-key KEY"],
  [{ url: deployed, auth: "iam", apiKey: "k" }, "--api-key goes with --auth api_key, not --auth iam"],
  [{ url: "https://api.example.com/dev" }, "--auth iam needs the API's region"],
  [{ url: "not a url" }, '--url must be an http(s) URL, got "not a url"'],
])("%j is refused: %s", (flags, message) => {
  expect(() => loadTarget(flags, endpointsFile, {})).toThrow(LoadTargetError);
  expect(() => loadTarget(flags, endpointsFile, {})).toThrow(message);
});
