import type { SynthesizedStack, TerraformDocument } from "../../../emulator/terraform/terraform-document";
import { visibilityTimeoutFor } from "../../../stacks/queued-projection-stack";
import { projectionSettings, summaryWriterMapping } from "../../../tools/shared/projection-settings";
import { defaultConfig, synthDirect, synthQueued } from "../../stacks/synth-helpers";

const asStack = (name: string, json: unknown): SynthesizedStack => ({
  name,
  dir: ".",
  document: json as TerraformDocument,
});

describe("projectionSettings reads what the demo and the bench need from cdk.tf.json", () => {
  it("direct-projection: summary capacity and the stream mapping of project-summary", () => {
    const settings = projectionSettings(asStack("direct-projection", synthDirect().json));
    expect(settings.summaryTable).toEqual({
      name: "cqrs-direct-dev-summary",
      readCapacity: 2,
      writeCapacity: 2,
    });
    expect(settings.queue).toBeUndefined();
    expect(summaryWriterMapping(settings)).toEqual({
      source: "dynamodb-stream",
      functionName: "cqrs-direct-dev-project-summary",
      functionTimeoutSeconds: 30,
      batchSize: 100,
      batchingWindowSeconds: 1,
      maximumConcurrency: undefined,
      maximumRetryAttempts: 5,
      maximumRecordAgeSeconds: 3600,
    });
  });

  it("queued-projection: the queue mapping writes the summary; visibility and redrive come along", () => {
    const config = defaultConfig({ CQRS_QUEUED_SUMMARY_WCU: "7", CQRS_QUEUE_BATCH_SIZE: "25" });
    const settings = projectionSettings(asStack("queued-projection", synthQueued(config).json));
    expect(settings.summaryTable.writeCapacity).toBe(7);
    expect(summaryWriterMapping(settings)).toMatchObject({
      source: "sqs",
      functionName: "cqrs-queued-dev-apply-summary",
      batchSize: 25,
      maximumConcurrency: 2,
    });
    expect(settings.mappings.map((m) => m.source).sort()).toEqual(["dynamodb-stream", "sqs"]);
    expect(settings.queue).toEqual({
      name: "cqrs-queued-dev-summary-updates",
      visibilityTimeoutSeconds: visibilityTimeoutFor(
        defaultConfig().functionTimeoutSeconds,
        defaultConfig().queue.maximumBatchingWindowInSeconds,
      ),
      maxReceiveCount: 5,
      // Not set on the queue: SQS keeps messages 4 days by default (SetQueueAttributes, MessageRetentionPeriod).
      messageRetentionSeconds: 10 * 24 * 3600,
    });
  });

  it("names what is missing when the document is not a projection stack", () => {
    expect(() => projectionSettings(asStack("empty", { resource: {}, output: {} }))).toThrow(
      "empty output summary_table_name: expected a resource reference, got undefined",
    );
  });
});
