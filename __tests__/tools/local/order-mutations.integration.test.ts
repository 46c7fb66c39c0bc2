import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { localClientConfig } from "../../../emulator/local-credentials";
import { seededRandom } from "../../../emulator/seeded-random";
import { postOrder } from "../../../tools/load/api-client";
import { randomOrder } from "../../../tools/load/orders";
import { faultSettingsFrom } from "../../../tools/local/fault-setting-sources";
import { type LocalRuntime, startLocalRuntime } from "../../../tools/local/local-runtime";
import { reconcile } from "../../../tools/reconcile";
import { waitForQuiescence } from "../../../tools/verify/quiescence";

test("order mutation faults come from flags and variables", () => {
  expect(
    faultSettingsFrom({ "fault-delete-order": "every:3" }, { CQRS_FAULT_OVERWRITE_ORDER: "0.25" }),
  ).toMatchObject({ deleteOrder: { every: 3 }, overwriteOrder: { rate: 0.25 } });
  expect(() => faultSettingsFrom({ "fault-overwrite-order": "often" }, {})).toThrow(
    /--fault-overwrite-order must be/,
  );
});

describe("another writer overwrites and deletes accepted orders", () => {
  let outdir: string;
  let runtime: LocalRuntime;
  let dynamodb: DynamoDBClient;

  beforeAll(async () => {
    outdir = mkdtempSync(path.join(tmpdir(), "cqrs-mutations-"));
    runtime = await startLocalRuntime({
      outdir,
      stacks: ["direct-projection"],
      ports: { "direct-projection": 0 },
      stateDir: null,
      functionLogs: "silent",
      faults: { deleteOrder: { every: 3 }, overwriteOrder: { every: 2 }, seed: 3 },
    });
    dynamodb = new DynamoDBClient(localClientConfig(runtime.dynamodb.endpoint));
  }, 120_000);

  afterAll(async () => {
    dynamodb?.destroy();
    await runtime?.stop();
    rmSync(outdir, { recursive: true, force: true });
  });

  test("the summaries follow the details table exactly", async () => {
    const [direct] = runtime.stacks;
    const random = seededRandom(5);
    for (let i = 1; i <= 12; i++) {
      const answer = await postOrder(
        direct,
        randomOrder(random, "mutated", `v-${String(i).padStart(2, "0")}`),
      );
      expect(answer.status).toBe(200);
    }
    await waitForQuiescence(direct, 60_000);

    const injected = direct.faultCounters().injected;
    expect(injected.deleteOrder).toEqual({ "direct-projection API": 4 });
    expect(injected.overwriteOrder).toEqual({ "direct-projection API": 4 });

    const { Items = [] } = await dynamodb.send(
      new QueryCommand({
        TableName: direct.outputs.details_table_name as string,
        KeyConditionExpression: "accountid = :a",
        ExpressionAttributeValues: { ":a": { S: "mutated" } },
      }),
    );
    expect(Items).toHaveLength(8);

    const report = await reconcile({
      dynamodb,
      detailsTable: direct.outputs.details_table_name as string,
      summaryTable: direct.outputs.summary_table_name as string,
    });
    expect(report.drifts).toEqual([]);
  }, 90_000);
});
