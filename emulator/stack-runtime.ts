import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { SQSClient } from "@aws-sdk/client-sqs";
import { type RunningRestApi, startRestApiServer } from "./apigateway";
import { type CapacityTable, type FaultCounters, FaultInjection } from "./faults";
import { orderMutationSource } from "./faults/fault-injection";
import { type AcceptedItems, ItemMutator } from "./faults/item-mutations";
import type { FunctionLogs, LocalFunction } from "./lambda";
import { localClientConfig, localCredentials } from "./local-credentials";
import { generateCallerCredentials } from "./provision/caller-credentials";
import { createEventSourceMappings, type LocalMapping } from "./provision/event-source-mappings";
import { createFunctions } from "./provision/functions";
import { createQueues, type LocalQueue } from "./provision/queues";
import { restApiStages, type StageAuth, stageAuthOf } from "./provision/rest-api";
import { createTables, type LocalTable } from "./provision/tables";
import type { AwsCredentials } from "./sigv4";
import { EMULATED_TYPES, UnsupportedConfigurationError } from "./terraform/resource-support";
import { LOCAL_ACCOUNT_ID, LOCAL_DATA_SOURCES, StackModel } from "./terraform/stack-model";
import type { SynthesizedStack } from "./terraform/terraform-document";

export interface SharedEmulators {
  /** DynamoDB Local endpoint used by the API and the pollers. */
  dynamodbEndpoint: string;
  /** SQS emulator endpoint. */
  sqsEndpoint: string;
  /** Endpoint the functions' SDK uses for DynamoDB (defaults to dynamodbEndpoint; a fault proxy may sit here). */
  functionDynamodbEndpoint?: string;
}

export interface StartStackOptions {
  /** API port; 0 picks a free one. */
  port: number;
  host?: string;
  log?: (line: string) => void;
  /** Fault injection around the functions and SQS mappings; none by default. */
  faults?: FaultInjection;
  /** Told about the stack's tables once created (the capacity proxy at functionDynamodbEndpoint). */
  capacityProxy?: { addTables(tables: Iterable<CapacityTable>): void };
  /** Where the functions' stdout/stderr goes. Default "inherit". */
  functionLogs?: FunctionLogs;
  /** Which items the API accepted, for the order mutation faults; required when they are on. */
  acceptedItems?: AcceptedItems;
}

/** What a client signs `AWS_IAM` requests with. */
export interface ApiSigning {
  region: string;
  credentials: AwsCredentials;
}

export interface RunningStack {
  name: string;
  region: string;
  url: string;
  /** How the API's callers authenticate (from its methods). */
  auth: StageAuth;
  /** The key to send as `x-api-key`, when a method requires one. */
  apiKey: string | null;
  /** The credentials generated for this run to sign with, when a method is `AWS_IAM`. */
  signing: ApiSigning | null;
  model: StackModel;
  tables: LocalTable[];
  queues: LocalQueue[];
  functions: Map<string, LocalFunction>;
  mappings: LocalMapping[];
  api: RunningRestApi;
  /** The stack's Terraform outputs, resolved to the local resources (as `terraform output` would show). */
  outputs: Record<string, unknown>;
  /** Faults injected into this stack's functions and its tables' write counters, so far. */
  faultCounters(): FaultCounters;
  /** Resolves once every order change the order mutation faults asked for has been written. */
  orderMutationsSettled(): Promise<void>;
  stop(): Promise<void>;
}

/** Types with no local behaviour, reported once so that nothing is ignored silently. */
export function notEmulated(stack: SynthesizedStack): string[] {
  const resourceTypes = Object.keys(stack.document.resource ?? {}).filter(
    (type) => !(type in EMULATED_TYPES),
  );
  const dataTypes = Object.keys(stack.document.data ?? {})
    .filter((type) => !(LOCAL_DATA_SOURCES as readonly string[]).includes(type))
    .map((type) => `data.${type}`);
  return [...resourceTypes, ...dataTypes].sort();
}

function regionOf(stack: SynthesizedStack): string {
  const region = stack.document.provider?.aws?.[0]?.region;
  return typeof region === "string" ? region : "us-east-1";
}

/**
 * Creates a synthesized stack's tables, queues, functions, event source mappings and API on the shared
 * emulators, and starts serving. Everything comes from the stack's Terraform JSON.
 */
export async function startStack(
  stack: SynthesizedStack,
  emulators: SharedEmulators,
  options: StartStackOptions,
): Promise<RunningStack> {
  const region = regionOf(stack);
  const model = new StackModel(stack, region);
  const clientConfig = { ...localClientConfig(emulators.dynamodbEndpoint), region };
  const dynamodb = new DynamoDBClient(clientConfig);
  const streams = new DynamoDBStreamsClient(clientConfig);
  const sqs = new SQSClient({ ...localClientConfig(emulators.sqsEndpoint), region });

  const faults = options.faults ?? new FaultInjection({ seed: 0 });
  const tables = await createTables(model, dynamodb);
  options.capacityProxy?.addTables(tables);
  const queues = await createQueues(model, sqs);
  const functions = createFunctions(
    model,
    {
      dynamodb: emulators.functionDynamodbEndpoint ?? emulators.dynamodbEndpoint,
      sqs: emulators.sqsEndpoint,
    },
    options.functionLogs,
  );
  const detachFaults = [...functions.values()].map((fn) => faults.attach(fn));
  const mappings = createEventSourceMappings(
    model,
    { functions, tables, queues, streams, sqs },
    { sqsDeleteSucceeded: (functionName) => faults.deleteSucceeded(functionName) },
  );

  const stages = restApiStages(model);
  if (stages.length !== 1) {
    throw new UnsupportedConfigurationError(
      `stack ${stack.name}: expected one API Gateway stage, found ${stages.length}`,
    );
  }
  const stage = stages[0];
  const auth = stageAuthOf(stage);
  const signing = auth === "iam" ? { region, credentials: generateCallerCredentials() } : null;
  if (signing) stage.iam = { region, credentials: [signing.credentials] };
  const mutation = faults.orderMutation(stack.name);
  const accepted = options.acceptedItems;
  if (mutation && !accepted) {
    throw new UnsupportedConfigurationError(
      `stack ${stack.name}: the order mutation faults need startStack's acceptedItems option`,
    );
  }
  const detailsTable = tables.find((table) => table.streamArn !== undefined);
  const mutator =
    mutation && accepted && detailsTable
      ? new ItemMutator(dynamodb, detailsTable.name, accepted.overwrite, options.log)
      : undefined;
  const api = await startRestApiServer(
    stage,
    {
      dynamodb: { endpoint: emulators.dynamodbEndpoint, region, credentials: localCredentials },
      // What API Gateway's logs keep and the caller never sees: DynamoDB's own error.
      log: (entry) => {
        if (entry.integrationError === undefined) return;
        options.log?.(
          `[api ${stack.name}] ${entry.requestId} ${entry.httpMethod} ${entry.path} -> ${entry.status}: ` +
            `DynamoDB ${entry.integrationStatus} ${entry.integrationError}`,
        );
      },
      onExchange: mutator
        ? (request, result) => {
            const key = accepted?.keyOf(request, result);
            const change = key && mutation?.();
            if (key && change) mutator.mutate(key, change);
          }
        : undefined,
    },
    { port: options.port, host: options.host },
  );
  for (const [stageId] of model.resources("aws_api_gateway_stage")) {
    model.setComputed("aws_api_gateway_stage", stageId, {
      invoke_url: api.url,
      execution_arn: `arn:aws:execute-api:${region}:${LOCAL_ACCOUNT_ID}:${stage.apiId}/${stage.stageName}`,
    });
  }
  const outputs = Object.fromEntries(
    Object.entries(stack.document.output ?? {}).map(([name, output]) => [
      name,
      model.resolve(output.value, `output.${name}`),
    ]),
  );
  await Promise.all(mappings.map((mapping) => mapping.source.start()));

  let stopped = false;
  return {
    name: stack.name,
    region,
    url: api.url,
    auth,
    apiKey: stage.apiKeys?.[0]?.value ?? null,
    signing,
    model,
    tables,
    queues,
    functions,
    mappings,
    api,
    outputs,
    orderMutationsSettled: async () => mutator?.settled(),
    faultCounters: () =>
      faults.counters({
        functions: [...[...functions.values()].map((fn) => fn.name), orderMutationSource(stack.name)],
        tables: tables.map((table) => table.name),
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const detach of detachFaults) detach();
      await api.stop();
      await mutator?.settled();
      await Promise.all(mappings.map((m) => m.source.stop()));
      await Promise.all([...functions.values()].map((fn) => fn.close()));
      dynamodb.destroy();
      streams.destroy();
      sqs.destroy();
    },
  };
}
