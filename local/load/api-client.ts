import Big from "big.js";
import type { Order } from "./orders";

export interface ApiTarget {
  /** Stage base URL, e.g. http://127.0.0.1:4010/dev */
  url: string;
  apiKey?: string | null;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

function headers(target: ApiTarget, json: boolean): Record<string, string> {
  const result: Record<string, string> = {};
  if (json) result["content-type"] = "application/json";
  if (target.apiKey) result["x-api-key"] = target.apiKey;
  return result;
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

export async function postOrder(target: ApiTarget, order: Order): Promise<HttpAnswer> {
  const response = await request(`${base(target)}/order`, {
    method: "POST",
    headers: headers(target, true),
    body: JSON.stringify({ order }),
  });
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
  const response = await request(`${base(target)}/${encodeURIComponent(accountid)}`, {
    headers: headers(target, false),
  });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, text };
  const total = numberText(text, "account_total");
  const count = numberText(text, "order_count");
  return {
    status: response.status,
    text,
    total: total === undefined ? undefined : new Big(total).toString(),
    count: count === undefined ? undefined : Number(count),
  };
}
