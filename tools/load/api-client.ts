import type { AwsCredentialIdentityProvider } from "@smithy/types";
import Big from "big.js";
import { type AwsCredentials, EXECUTE_API_SERVICE, signRequest } from "../../emulator/sigv4";
import { SUMMARY_ATTRIBUTES as SUMMARY } from "../../functions/domain/fields";
import type { Order } from "./orders";

export interface ApiTarget {
  /** Stage base URL, e.g. http://127.0.0.1:4010/dev */
  url: string;
  /** Sent as `x-api-key` (CQRS_API_AUTH=api_key). */
  apiKey?: string | null;
  /** Signs every request with SigV4 for `execute-api` (CQRS_API_AUTH=iam). */
  signing?: {
    region: string;
    credentials: AwsCredentials | AwsCredentialIdentityProvider;
  } | null;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** Just the target part of something that has it, such as a running local stack. */
export function apiTargetOf({ url, apiKey, signing }: ApiTarget): ApiTarget {
  return { url, apiKey, signing };
}

function base(target: ApiTarget): string {
  return target.url.replace(/\/+$/, "");
}

/** fetch, with a failure that names the URL and the network cause (fetch itself says only "fetch failed"). */
export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as Error).cause as (Error & { code?: string }) | undefined;
    const reason = cause ? [cause.code, cause.message].filter(Boolean).join(": ") : (error as Error).message;
    throw new Error(`cannot reach ${url}: ${reason}`, { cause: error });
  }
}

/** Sends one request the way the target's API authenticates callers. */
export async function callApi(
  target: ApiTarget,
  method: "GET" | "POST",
  path: string,
  body?: string,
): Promise<Response> {
  const url = new URL(`${base(target)}${path}`);
  let headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (target.apiKey) headers["x-api-key"] = target.apiKey;
  if (target.signing) {
    headers = await signRequest(
      { method, url, headers, body: body ?? "" },
      { ...target.signing, service: EXECUTE_API_SERVICE },
    );
  }
  return request(url.toString(), { method, headers, body });
}

export async function postOrder(target: ApiTarget, order: Order): Promise<HttpAnswer> {
  const response = await callApi(target, "POST", "/order", JSON.stringify({ order }));
  return { status: response.status, text: await response.text() };
}

export interface SummaryReading {
  status: number;
  /** Exact decimal text of account_total as the API wrote it. */
  total?: string;
  count?: number;
  text: string;
}

/** account_total keeps its exact text: JSON.parse would round it through a binary double. */
function numberText(body: string, field: string): string | undefined {
  const match = new RegExp(`"${field}"\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)`).exec(body);
  return match?.[1];
}

export async function getSummary(target: ApiTarget, accountid: string): Promise<SummaryReading> {
  const response = await callApi(target, "GET", `/${encodeURIComponent(accountid)}`);
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, text };
  const total = numberText(text, SUMMARY.accountTotal);
  const count = numberText(text, SUMMARY.orderCount);
  return {
    status: response.status,
    text,
    total: total === undefined ? undefined : new Big(total).toString(),
    count: count === undefined ? undefined : Number(count),
  };
}
