import { existsSync } from "node:fs";
import * as path from "node:path";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { DEFAULT_STATE_DIR, ENDPOINTS_FILE_NAME, readEndpointsFile } from "../shared/endpoints-file";
import type { ApiTarget } from "./api-client";

export const AUTH_CHOICES = ["iam", "api_key", "none"] as const;
export type AuthChoice = (typeof AUTH_CHOICES)[number];

export interface TargetFlags {
  url: string;
  auth?: string;
  apiKey?: string;
  region?: string;
}

export class LoadTargetError extends Error {
  override name = "LoadTargetError";
}

/** `https://<api-id>.execute-api.<region>.amazonaws.com[.cn]/...` -> region. */
function regionOfExecuteApiUrl(url: URL): string | undefined {
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1];
}

const sameBase = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

/**
 * How the load tool calls `url`. A stack `npm start` serves (in its endpoints file) is called the way that
 * stack requires, with this run's generated credentials or key. Any other URL follows `--auth`: `iam` (the
 * stacks' default) signs with the default AWS credential chain in `--region` (else the region of an
 * execute-api host name, else AWS_REGION), `api_key` sends `--api-key` (which alone implies it), `none`
 * sends neither.
 */
export function loadTarget(
  flags: TargetFlags,
  endpointsFile = path.join(DEFAULT_STATE_DIR, ENDPOINTS_FILE_NAME),
  environment: NodeJS.ProcessEnv = process.env,
): ApiTarget {
  if (flags.auth !== undefined && !(AUTH_CHOICES as readonly string[]).includes(flags.auth)) {
    throw new LoadTargetError(`--auth must be one of ${AUTH_CHOICES.join(", ")}, got "${flags.auth}"`);
  }
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    throw new LoadTargetError(`--url must be an http(s) URL, got "${flags.url}"`);
  }
  const local = existsSync(endpointsFile)
    ? Object.values(readEndpointsFile(endpointsFile)).find((entry) => sameBase(entry.url, flags.url))
    : undefined;
  if (local && flags.auth === undefined && flags.apiKey === undefined) {
    return { url: flags.url, apiKey: local.apiKey, signing: local.signing };
  }

  const auth = (flags.auth ?? (flags.apiKey !== undefined ? "api_key" : "iam")) as AuthChoice;
  if (auth === "api_key") {
    if (!flags.apiKey) throw new LoadTargetError("--auth api_key needs --api-key KEY");
    return { url: flags.url, apiKey: flags.apiKey };
  }
  if (flags.apiKey !== undefined) {
    throw new LoadTargetError(`--api-key goes with --auth api_key, not --auth ${auth}`);
  }
  if (auth === "none") return { url: flags.url };
  const region = flags.region ?? regionOfExecuteApiUrl(url) ?? environment.AWS_REGION;
  if (!region) {
    throw new LoadTargetError(
      "--auth iam needs the API's region: pass --region, or set AWS_REGION (execute-api host names carry it)",
    );
  }
  return { url: flags.url, signing: { region, credentials: defaultProvider() } };
}
