import { randomInt } from "node:crypto";
import type { ApiKeyDefinition } from "../apigateway/types";
import { assertSupported, UnsupportedConfigurationError } from "../terraform/resource-support";
import type { StackModel } from "../terraform/stack-model";

const API_KEY = "aws_api_gateway_api_key";
const USAGE_PLAN = "aws_api_gateway_usage_plan";
const USAGE_PLAN_KEY = "aws_api_gateway_usage_plan_key";

export const API_KEY_TYPES = [API_KEY, USAGE_PLAN, USAGE_PLAN_KEY];

const KEY_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** API Gateway generates 40 alphanumeric characters. */
const GENERATED_KEY_LENGTH = 40;

function generateKeyValue(): string {
  return Array.from(
    { length: GENERATED_KEY_LENGTH },
    () => KEY_CHARACTERS[randomInt(KEY_CHARACTERS.length)],
  ).join("");
}

interface UsagePlanStage {
  api_id?: unknown;
  stage?: unknown;
}

/**
 * Creates the stack's API keys, by logical id. A key configured without `value` gets one generated here, as
 * AWS generates it at creation, recorded as the resource's computed `value` so that outputs resolve to it.
 */
export function createApiKeys(model: StackModel): Map<string, ApiKeyDefinition> {
  const keys = new Map<string, ApiKeyDefinition>();
  for (const [id, raw] of model.resources(API_KEY)) {
    assertSupported(API_KEY, id, raw);
    const config = model.resolved(API_KEY, id);
    let value = config.value as string | undefined;
    if (value === undefined) {
      value = generateKeyValue();
      model.setComputed(API_KEY, id, { value });
    }
    keys.set(id, { id, value, enabled: config.enabled !== false });
  }
  return keys;
}

/** The enabled keys attached, through a usage plan naming this API and stage, to the stage. */
export function apiKeysOfStage(
  model: StackModel,
  keys: ReadonlyMap<string, ApiKeyDefinition>,
  apiId: string,
  stageName: string,
): ApiKeyDefinition[] {
  const plans = new Set(
    model
      .resources(USAGE_PLAN)
      .filter(([id, raw]) => {
        assertSupported(USAGE_PLAN, id, raw);
        const stages = (model.resolved(USAGE_PLAN, id).api_stages ?? []) as UsagePlanStage[];
        return stages.some((stage) => stage.api_id === apiId && stage.stage === stageName);
      })
      .map(([id]) => id),
  );
  const attached: ApiKeyDefinition[] = [];
  for (const [id, raw] of model.resources(USAGE_PLAN_KEY)) {
    assertSupported(USAGE_PLAN_KEY, id, raw);
    const link = model.resolved(USAGE_PLAN_KEY, id);
    if (link.key_type !== "API_KEY") {
      throw new UnsupportedConfigurationError(
        `${USAGE_PLAN_KEY}.${id}: attribute "key_type" = ${String(link.key_type)} is not supported locally (only API_KEY)`,
      );
    }
    if (!plans.has(link.usage_plan_id as string)) continue;
    const key = keys.get(link.key_id as string);
    if (!key) {
      throw new UnsupportedConfigurationError(
        `${USAGE_PLAN_KEY}.${id}: key_id ${String(link.key_id)} is not an ${API_KEY} of this stack`,
      );
    }
    if (key.enabled && !attached.includes(key)) attached.push(key);
  }
  return attached;
}
