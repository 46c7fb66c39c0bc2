import {
  MAX_CLOCK_SKEW_MS,
  type ReceivedRequest,
  verifyIamSignature,
} from "../../../emulator/apigateway/iam-authorization";
import type { IamAuthorization } from "../../../emulator/apigateway/types";
import { generateCallerCredentials } from "../../../emulator/provision/caller-credentials";
import { type AwsCredentials, EXECUTE_API_SERVICE, signRequest } from "../../../emulator/sigv4";

const caller = generateCallerCredentials();
const iam: IamAuthorization = { region: "eu-west-1", credentials: [caller] };
const now = new Date("2026-12-01T10:00:00Z");
const body = JSON.stringify({ order: { accountid: "acct-1", vendorid: "v-1" } });

/** What the server receives from a client that signed with `credentials` at `signedAt`. */
async function signed(
  options: {
    credentials?: AwsCredentials;
    region?: string;
    service?: string;
    signedAt?: Date;
    url?: string;
    method?: string;
  } = {},
): Promise<ReceivedRequest> {
  const url = new URL(options.url ?? "http://127.0.0.1:4010/dev/order");
  const method = options.method ?? "POST";
  const headers = await signRequest(
    { method, url, headers: { "content-type": "application/json" }, body },
    {
      credentials: options.credentials ?? caller,
      region: options.region ?? iam.region,
      service: options.service ?? EXECUTE_API_SERVICE,
    },
    options.signedAt ?? now,
  );
  return { method, url: `${url.pathname}${url.search}`, headers: { ...headers, Host: url.host }, body };
}

const verify = (request: ReceivedRequest, at: Date = now) => verifyIamSignature(request, iam, at);

function withHeader(request: ReceivedRequest, name: string, value: string | undefined): ReceivedRequest {
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([key]) => key.toLowerCase() !== name),
  );
  if (value !== undefined) headers[name] = value;
  return { ...request, headers };
}

describe("verifyIamSignature", () => {
  test("accepts a request signed by the SDK's signer with the generated credentials", async () => {
    expect(await verify(await signed())).toEqual({ allowed: true, accessKeyId: caller.accessKeyId });
  });

  test("accepts a signed GET with a query string, up to five minutes either side of its date", async () => {
    const request = await signed({ method: "GET", url: "http://localhost:4020/dev/acct%201?b=2&a=x%20y" });
    const edge = MAX_CLOCK_SKEW_MS - 1000;
    expect((await verify(request, new Date(now.getTime() + edge))).allowed).toBe(true);
    expect((await verify(request, new Date(now.getTime() - edge))).allowed).toBe(true);
  });

  test("refuses an unsigned request with API Gateway's Missing Authentication Token", async () => {
    const unsigned: ReceivedRequest = { method: "GET", url: "/dev/acct-1", headers: { host: "h" }, body: "" };
    expect(await verify(unsigned)).toEqual({
      allowed: false,
      error: { responseType: "MISSING_AUTHENTICATION_TOKEN", message: "Missing Authentication Token" },
    });
  });

  test("refuses a tampered signature, body, path or signed header as a signature mismatch", async () => {
    const good = await signed();
    const signature = /Signature=([0-9a-f]{64})/.exec(good.headers.authorization)?.[1] as string;
    const flipped = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
    const tampered = [
      withHeader(good, "authorization", good.headers.authorization.replace(signature, flipped)),
      { ...good, body: body.replace("acct-1", "acct-2") },
      { ...good, url: "/dev/order?extra=1" },
      withHeader(good, "content-type", "text/plain"),
      withHeader(good, "x-amz-content-sha256", "0".repeat(64)),
    ];
    for (const request of tampered) {
      const verdict = await verify(request);
      expect(verdict).toMatchObject({ allowed: false, error: { responseType: "INVALID_SIGNATURE" } });
      if (!verdict.allowed) {
        expect(verdict.error.message).toMatch(/^The request signature we calculated does not match/);
      }
    }
  });

  test("refuses a signature made with another secret key", async () => {
    const forged = await signed({ credentials: { ...caller, secretAccessKey: "x".repeat(40) } });
    expect(await verify(forged)).toMatchObject({
      allowed: false,
      error: { responseType: "INVALID_SIGNATURE" },
    });
  });

  test("refuses a stale date with AWS's Signature expired message", async () => {
    const stale = await signed({ signedAt: new Date(now.getTime() - MAX_CLOCK_SKEW_MS - 1000) });
    expect(await verify(stale)).toEqual({
      allowed: false,
      error: {
        responseType: "EXPIRED_TOKEN",
        message:
          "Signature expired: 20261201T095459Z is now earlier than 20261201T095500Z (20261201T100000Z - 5 min.)",
      },
    });
  });

  test("refuses a date more than five minutes ahead", async () => {
    const early = await signed({ signedAt: new Date(now.getTime() + MAX_CLOCK_SKEW_MS + 1000) });
    expect(await verify(early)).toMatchObject({
      allowed: false,
      error: {
        responseType: "INVALID_SIGNATURE",
        message: expect.stringMatching(/^Signature not yet current: /),
      },
    });
  });

  test("refuses an unknown access key and any session token as an invalid security token", async () => {
    const stranger = await signed({ credentials: generateCallerCredentials() });
    const withToken = await signed({ credentials: { ...caller, sessionToken: "token" } });
    for (const request of [stranger, withToken]) {
      expect(await verify(request)).toEqual({
        allowed: false,
        error: {
          responseType: "ACCESS_DENIED",
          message: "The security token included in the request is invalid.",
        },
      });
    }
    expect((await verifyIamSignature(await signed(), undefined, now)).allowed).toBe(false);
  });

  test("refuses a signature scoped to another region or service", async () => {
    expect(await verify(await signed({ region: "us-east-1" }))).toMatchObject({
      allowed: false,
      error: { message: "Credential should be scoped to a valid region, not 'us-east-1'." },
    });
    expect(await verify(await signed({ service: "dynamodb" }))).toMatchObject({
      allowed: false,
      error: { message: "Credential should be scoped to correct service: 'execute-api'." },
    });
  });

  test("requires host and x-amz-date among the signed headers", async () => {
    const good = await signed();
    const without = (name: string) =>
      withHeader(
        good,
        "authorization",
        good.headers.authorization.replace(new RegExp(`${name};|;${name}`), ""),
      );
    expect(await verify(without("host"))).toMatchObject({
      error: { message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." },
    });
    expect(await verify(without("x-amz-date"))).toMatchObject({
      error: { message: "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization." },
    });
    expect(await verify(withHeader(good, "x-amz-date", undefined))).toMatchObject({
      error: { errorType: "IncompleteSignatureException", message: expect.stringMatching(/'X-Amz-Date'/) },
    });
  });

  test("refuses an Authorization header that is not SigV4 as an incomplete signature", async () => {
    const bearer = withHeader(await signed(), "authorization", "Bearer abc");
    expect(await verify(bearer)).toEqual({
      allowed: false,
      error: {
        responseType: "INVALID_SIGNATURE",
        errorType: "IncompleteSignatureException",
        message:
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' " +
          "parameter. Authorization header requires 'SignedHeaders' parameter.",
      },
    });
  });
});
