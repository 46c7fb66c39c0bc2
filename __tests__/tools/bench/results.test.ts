import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";

/** The `cost` rows of tools/bench/results.json, with the field names readers of the file rely on. */
const costRowSchema = {
  type: "object",
  required: [
    "stack",
    "workload",
    "batchSize",
    "totalWriteUnitsPerOrder",
    "summaryWriteUnitsPerOrder",
    "readUnitsPerOrder",
    "sqsRequestsPerOrder",
    "dollarsPerMillionOrders",
    "lowerBoundWriteUnitsPerOrder",
    "exact",
  ],
  properties: {
    stack: {
      enum: [
        "direct-projection",
        "queued-projection",
        "baseline-per-record-add",
        "baseline-per-batch-add",
        "baseline-read-modify-write",
      ],
    },
    workload: { enum: ["1", "100", "10000", "zipf"] },
    batchSize: { type: "integer", minimum: 1 },
    totalWriteUnitsPerOrder: { type: "number", exclusiveMinimum: 0 },
    summaryWriteUnitsPerOrder: { type: "number", exclusiveMinimum: 0 },
    readUnitsPerOrder: { type: "number", minimum: 0 },
    sqsRequestsPerOrder: { type: "number", minimum: 0 },
    dollarsPerMillionOrders: {
      type: "object",
      required: ["onDemand", "provisioned"],
      properties: {
        onDemand: { type: "number", exclusiveMinimum: 0 },
        provisioned: { type: "number", exclusiveMinimum: 0 },
      },
    },
    lowerBoundWriteUnitsPerOrder: { type: "number", exclusiveMinimum: 0 },
    exact: { type: "boolean" },
    default: { const: false },
  },
};

interface CostRow {
  stack: string;
  workload: string;
  totalWriteUnitsPerOrder: number;
  summaryWriteUnitsPerOrder: number;
  lowerBoundWriteUnitsPerOrder: number;
  default?: false;
}

const results = JSON.parse(
  readFileSync(path.join(__dirname, "..", "..", "..", "tools", "bench", "results.json"), "utf8"),
) as { cost?: CostRow[] };

it("tools/bench/results.json has a cost array whose rows carry the published fields", () => {
  const validate = new Ajv({ allErrors: true }).compile({ type: "array", minItems: 1, items: costRowSchema });
  expect(validate(results.cost)).toBe(true);
  expect(validate.errors ?? []).toEqual([]);
});

it("every workload has both stacks at their defaults and all three baselines, once each", () => {
  const rows = results.cost ?? [];
  for (const workload of ["1", "100", "10000", "zipf"]) {
    const stacks = rows.filter((r) => r.workload === workload && r.default === undefined).map((r) => r.stack);
    expect(stacks.sort()).toEqual(
      [
        "baseline-per-batch-add",
        "baseline-per-record-add",
        "baseline-read-modify-write",
        "direct-projection",
        "queued-projection",
      ].sort(),
    );
  }
});

it("the lower bound of a workload is its per-batch ADD baseline's total, and no row's total includes less than its summary", () => {
  for (const row of results.cost ?? []) {
    const bound = results.cost?.find(
      (r) => r.workload === row.workload && r.stack === "baseline-per-batch-add" && r.default === undefined,
    );
    expect(row.lowerBoundWriteUnitsPerOrder).toBe(bound?.totalWriteUnitsPerOrder);
    expect(row.totalWriteUnitsPerOrder).toBeGreaterThanOrEqual(row.summaryWriteUnitsPerOrder);
  }
});
