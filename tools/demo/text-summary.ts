import type { DemoRecording, StackRecording } from "./run-demo";

const seconds = (value: number | null) => (value === null ? "never" : `${value.toFixed(1)} s`);

/** One row per figure, one column per stack. */
export function summaryRows(recording: DemoRecording): { label: string; values: string[] }[] {
  const row = (label: string, value: (stack: StackRecording) => string) => ({
    label,
    values: recording.stacks.map(value),
  });
  return [
    row("summary table write capacity", (s) => `${s.settings.summaryTable.writeCapacity} WCU`),
    row("orders accepted", (s) => `${s.outcome.accepted} (${s.outcome.rejected} rejected)`),
    row("accounts exact over the API", (s) => `${s.outcome.exactAccounts}/${s.outcome.accounts}`),
    row("lost nothing", (s) => (s.outcome.lostNothing ? "yes" : "NO")),
    row("last order accepted at", (s) => seconds(s.outcome.lastOrderAtSeconds)),
    row("converged at", (s) => seconds(s.outcome.convergedAtSeconds)),
    row("converged after the last order", (s) =>
      s.outcome.convergedAtSeconds === null
        ? "never"
        : seconds(Math.max(0, s.outcome.convergedAtSeconds - s.outcome.lastOrderAtSeconds)),
    ),
    row("peak summary lag (orders)", (s) => String(s.outcome.peakLag)),
    row("peak stream iterator age", (s) => seconds(s.outcome.peakIteratorAgeSeconds)),
    row("peak queue depth", (s) => (s.settings.queue ? String(s.outcome.peakQueueDepth) : "no queue")),
    row("summary writes (transactions)", (s) => String(s.outcome.summaryWrites)),
    row("throttled summary writes", (s) => String(s.outcome.throttledSummaryWrites)),
    row("summary WCU consumed", (s) => String(s.outcome.consumedSummaryWcu)),
    row("Lambda invocations", (s) => String(s.outcome.invocations)),
    row("function errors / retries", (s) => `${s.outcome.errors} / ${s.outcome.retries}`),
    row("write units per order, all tables (summary)", (s) =>
      s.outcome.cost
        ? `${s.outcome.cost.writeUnitsPerOrder} (${s.outcome.cost.summaryWriteUnitsPerOrder})`
        : "-",
    ),
    row("read units per order", (s) => (s.outcome.cost ? String(s.outcome.cost.readUnitsPerOrder) : "-")),
    row("SQS requests per order", (s) => (s.outcome.cost ? String(s.outcome.cost.sqsRequestsPerOrder) : "-")),
    row("Lambda GB-seconds per order", (s) =>
      s.outcome.cost ? String(s.outcome.cost.lambdaGbSecondsPerOrder) : "-",
    ),
    row("$ per million orders (on-demand / provisioned)", (s) => {
      const dollars = s.outcome.cost?.dollarsPerMillionOrders;
      return dollars ? `${dollars.onDemand.toFixed(2)} / ${dollars.provisioned.toFixed(2)}` : "-";
    }),
    row(
      "failure queue / DLQ messages",
      (s) => `${s.outcome.failureQueueMessages} / ${s.settings.queue ? s.outcome.dlqDepth : "-"}`,
    ),
  ];
}

export function formatTextSummary(recording: DemoRecording): string {
  const rows = summaryRows(recording);
  const names = recording.stacks.map((s) => s.name);
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const widths = names.map((name, i) => Math.max(name.length, ...rows.map((r) => r.values[i].length)));
  const line = (label: string, values: string[]) =>
    `  ${label.padEnd(labelWidth)}  ${values.map((v, i) => v.padStart(widths[i])).join("  ")}`;
  const verdicts = recording.stacks.map((s) =>
    s.outcome.lostNothing
      ? `${s.name} lost nothing`
      : `${s.name} LOST orders (${s.outcome.accounts - s.outcome.exactAccounts} accounts not exact)`,
  );
  return [line("", names), ...rows.map((r) => line(r.label, r.values)), "", verdicts.join("; ")].join("\n");
}
