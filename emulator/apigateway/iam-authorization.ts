import { createHash, timingSafeEqual } from "node:crypto";
import { EXECUTE_API_SERVICE, httpRequestOf, SIGV4_ALGORITHM, sigv4Signer } from "../sigv4";
import type { GatewayError } from "./gateway-responses";
import type { IamAuthorization } from "./types";

/**
 * "In most cases, a request must reach AWS within five minutes of the time stamp in the request"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html), in both directions.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface ReceivedRequest {
  method: string;
  /** Request target as received: "/dev/order?x=1". */
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type IamVerdict = { allowed: true; accessKeyId: string } | { allowed: false; error: GatewayError };

/*
 * Messages: the ones AWS documents for IAM-authorized API Gateway methods
 * (https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html). AWS appends the
 * canonical request and string to sign to a signature mismatch; this runtime does not.
 */
const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret " +
  "Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";

const refused = (responseType: GatewayError["responseType"], message: string, errorType?: string) =>
  ({ allowed: false, error: { responseType, message, errorType } }) as const;
const incomplete = (message: string) => refused("INVALID_SIGNATURE", message, "IncompleteSignatureException");
const invalid = (message: string) => refused("INVALID_SIGNATURE", message);

/** yyyyMMdd'T'HHmmss'Z', the form of x-amz-date. */
function basicIso(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

function parseAmzDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(date.getTime()) || basicIso(date) !== text ? undefined : date;
}

/** `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` as a map, or undefined. */
function authorizationParameters(header: string): Record<string, string> | undefined {
  if (!header.startsWith(`${SIGV4_ALGORITHM} `)) return undefined;
  const parameters: Record<string, string> = {};
  for (const part of header.slice(SIGV4_ALGORITHM.length + 1).split(",")) {
    const separator = part.indexOf("=");
    if (separator > 0) parameters[part.slice(0, separator).trim()] = part.slice(separator + 1).trim();
  }
  return parameters;
}

function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(provided, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verifies a request to an `AWS_IAM` method the way API Gateway does: a SigV4 `Authorization` header from
 * known credentials, scoped to this region and `execute-api`, signing `host` and `x-amz-date`, at most five
 * minutes off, and a signature equal (compared in constant time) to the one the SDK's signer computes over
 * the request as received with the caller's secret key. Only the `Authorization` header form is accepted
 * (no query-string signatures) and only `x-amz-date` dates it (not `date`).
 */
export async function verifyIamSignature(
  request: ReceivedRequest,
  iam: IamAuthorization | undefined,
  now: Date = new Date(),
): Promise<IamVerdict> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const authorization = headers.authorization;
  if (authorization === undefined) {
    return refused("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token");
  }

  const parameters = authorizationParameters(authorization) ?? {};
  const missing = ["Credential", "Signature", "SignedHeaders"].filter((name) => !parameters[name]);
  if (missing.length > 0) {
    return incomplete(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(" "));
  }
  const amzDateText = headers["x-amz-date"];
  if (amzDateText === undefined) {
    return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const signedAt = parseAmzDate(amzDateText);
  if (!signedAt) {
    return incomplete(
      `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'", got '${amzDateText}'.`,
    );
  }

  const scope = parameters.Credential.split("/");
  if (scope.length !== 5) {
    return incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${parameters.Credential}'.`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = scope;
  const credentials = iam?.credentials.find((known) => known.accessKeyId === accessKeyId);
  if (!credentials || !iam || headers["x-amz-security-token"] !== undefined) {
    // The generated credentials are long-term keys: a session token cannot belong to them.
    return refused("ACCESS_DENIED", INVALID_TOKEN);
  }
  if (scopeDate !== amzDateText.slice(0, 8)) {
    return invalid(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDateText.slice(0, 8)}', from '${amzDateText}'.`,
    );
  }
  if (region !== iam.region)
    return invalid(`Credential should be scoped to a valid region, not '${region}'.`);
  if (service !== EXECUTE_API_SERVICE) {
    return invalid(`Credential should be scoped to correct service: '${EXECUTE_API_SERVICE}'.`);
  }
  if (terminator !== "aws4_request") {
    return invalid(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
    );
  }

  const skew = now.getTime() - signedAt.getTime();
  if (skew > MAX_CLOCK_SKEW_MS) {
    const earliest = basicIso(new Date(now.getTime() - MAX_CLOCK_SKEW_MS));
    return refused(
      "EXPIRED_TOKEN",
      `Signature expired: ${amzDateText} is now earlier than ${earliest} (${basicIso(now)} - 5 min.)`,
    );
  }
  if (-skew > MAX_CLOCK_SKEW_MS) {
    const latest = basicIso(new Date(now.getTime() + MAX_CLOCK_SKEW_MS));
    return invalid(
      `Signature not yet current: ${amzDateText} is still later than ${latest} (${basicIso(now)} + 5 min.)`,
    );
  }

  const signedNames = parameters.SignedHeaders.split(";");
  if (!signedNames.includes("host")) {
    return invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (!signedNames.includes("x-amz-date")) {
    return invalid("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  }
  // The signer would take a declared payload hash on trust; API Gateway hashes the body it received.
  const declaredHash = headers["x-amz-content-sha256"];
  if (
    declaredHash !== undefined &&
    declaredHash !== createHash("sha256").update(request.body).digest("hex")
  ) {
    return invalid(MISMATCH);
  }

  const signedHeaders: Record<string, string> = {};
  for (const name of signedNames) if (headers[name] !== undefined) signedHeaders[name] = headers[name];
  const url = new URL(request.url, "http://localhost"); // only its path and query are signed
  const recomputed = await sigv4Signer({ credentials, region, service }, false).sign(
    httpRequestOf({ method: request.method, url, headers: signedHeaders, body: request.body }),
    { signingDate: signedAt, signableHeaders: new Set(signedNames) },
  );
  const expected = /SignedHeaders=([^,]*), Signature=([0-9a-f]+)$/.exec(recomputed.headers.authorization);
  if (
    !expected ||
    expected[1] !== parameters.SignedHeaders ||
    !sameSignature(expected[2], parameters.Signature)
  ) {
    return invalid(MISMATCH);
  }
  return { allowed: true, accessKeyId };
}
