import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from "@smithy/types";

/**
 * AWS Signature Version 4 through the AWS SDK's own signer (`@smithy/signature-v4` with the SDK's SHA-256):
 * what the local API Gateway uses to call DynamoDB, what the load and verify tools use to call an
 * `AWS_IAM` API, and what the local API Gateway recomputes to verify a caller's signature.
 */

export type AwsCredentials = AwsCredentialIdentity;

export interface SigningTarget {
  /** Static credentials, or a provider such as the SDK's default credential chain. */
  credentials: AwsCredentials | AwsCredentialIdentityProvider;
  region: string;
  /** Signing name of the service: `dynamodb`, `execute-api`. */
  service: string;
}

export interface SignableRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
}

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";

/** Signing name of API Gateway's execute API (what `AWS_IAM` methods verify). */
export const EXECUTE_API_SERVICE = "execute-api";

/**
 * The SDK's signer. `applyChecksum` adds a signed `x-amz-content-sha256` header, as the SDK clients do;
 * verification turns it off so that the signed headers are exactly the caller's.
 */
export function sigv4Signer(target: SigningTarget, applyChecksum = true): SignatureV4 {
  return new SignatureV4({
    credentials: target.credentials,
    region: target.region,
    service: target.service,
    sha256: Sha256,
    applyChecksum,
  });
}

/** The request in the signer's shape: the path as sent on the wire, the query decoded. */
export function httpRequestOf(request: SignableRequest): HttpRequest {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.url.searchParams) {
    const known = query[name];
    query[name] = known === undefined ? value : [...(Array.isArray(known) ? known : [known]), value];
  }
  return {
    method: request.method.toUpperCase(),
    protocol: request.url.protocol,
    hostname: request.url.hostname,
    port: request.url.port ? Number(request.url.port) : undefined,
    path: request.url.pathname || "/",
    query,
    headers: request.headers,
    body: request.body,
  };
}

/**
 * Signs a request; returns the headers to send: the given ones plus `x-amz-date`, `x-amz-content-sha256`,
 * `x-amz-security-token` (temporary credentials) and `authorization`. `host` is signed but left out, since
 * fetch sets it from the URL to the same value.
 */
export async function signRequest(
  request: SignableRequest,
  target: SigningTarget,
  signingDate: Date = new Date(),
): Promise<Record<string, string>> {
  const unsigned = httpRequestOf({ ...request, headers: { ...request.headers, host: request.url.host } });
  const signed = await sigv4Signer(target).sign(unsigned, { signingDate });
  const { host: _host, ...headers } = signed.headers;
  return headers;
}
