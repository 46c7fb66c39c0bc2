import { type AwsCredentials, signRequest } from "../sigv4";

/** Where the local API Gateway sends DynamoDB actions (DynamoDB Local or a real endpoint). */
export interface DynamoDbTarget {
  endpoint: string;
  region: string;
  credentials: AwsCredentials;
}

export interface ServiceResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** `arn:<partition>:apigateway:<region>:dynamodb:action/<Action>` -> "<Action>". */
export function dynamoDbActionOf(uri: string): string {
  const match = /^arn:aws[a-z-]*:apigateway:[^:]*:dynamodb:action\/([A-Za-z]+)$/.exec(uri);
  if (!match) throw new Error(`Only DynamoDB action integrations are emulated, got uri ${uri}`);
  return match[1];
}

/**
 * Calls a DynamoDB action with the rendered template as the raw JSON-protocol body, as API Gateway
 * does: a malformed body comes back as DynamoDB's own 400 SerializationException.
 */
export async function invokeDynamoDbAction(
  target: DynamoDbTarget,
  action: string,
  body: string,
  signal?: AbortSignal,
): Promise<ServiceResponse> {
  if (!isJson(body)) return serializationException();
  const url = new URL("/", target.endpoint);
  const headers = await signRequest(
    {
      method: "POST",
      url,
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `DynamoDB_20120810.${action}`,
      },
      body,
    },
    { credentials: target.credentials, region: target.region, service: "dynamodb" },
  );
  const response = await fetch(url, { method: "POST", headers, body, signal });
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: await response.text(),
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * DynamoDB answers a body that is not JSON with a 400 SerializationException; DynamoDB Local answers
 * 500 InternalFailure instead, so that one answer is produced here the way DynamoDB gives it.
 */
function serializationException(): ServiceResponse {
  return {
    statusCode: 400,
    headers: { "content-type": "application/x-amz-json-1.0" },
    body: JSON.stringify({
      __type: "com.amazon.coral.service#SerializationException",
      Message: "The request body could not be parsed as JSON",
    }),
  };
}
