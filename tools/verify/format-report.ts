import { SCHEDULED_FAULTS } from "../../emulator/faults/fault-settings";
import type { VerificationReport } from "./run-verification";

/** The verification as an operator reads it: what was injected, what was checked, what it cost. */
export function formatVerificationReport(report: VerificationReport): string {
  const lines: string[] = [`verification ${report.runId} (fault seed ${report.seed})`];
  for (const stack of report.stacks) {
    const w = stack.workload;
    lines.push("", `${stack.stack}`);
    lines.push(
      `  workload: ${w.sent} orders (${w.overwrites} overwrites) over ${w.accounts.length} accounts, ` +
        `${w.deletes.length} deletes, ${w.poison.length} unprocessable on purpose; ${w.accepted} accepted, ${w.rejected.length} rejected`,
    );
    lines.push(
      `  sent in ${stack.sendSeconds.toFixed(1)} s, quiet ${stack.quiescenceSeconds.toFixed(1)} s later`,
    );
    const injected = SCHEDULED_FAULTS.map((fault) => {
      const perFunction = Object.entries(stack.faults.injected[fault] ?? {})
        .map(([fn, n]) => `${fn} ${n}`)
        .join(", ");
      return `${fault}: ${perFunction || "0"}`;
    });
    lines.push(`  injected: ${injected.join("; ")}`);
    lines.push(`  throttled summary writes: ${stack.throttledSummaryWrites}`);
    const records = w.sent + w.deletes.length;
    lines.push(
      `  summary-table writes: ${stack.summaryWrites} (${stack.summaryWriteCapacity} WCU) for ${records} order changes = ` +
        `${(stack.summaryWrites / records).toFixed(3)} writes, ${(stack.summaryWriteCapacity / records).toFixed(3)} WCU per order`,
    );
    for (const check of stack.checks)
      lines.push(`  ${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);
  }
  lines.push(
    "",
    report.ok
      ? "zero drift, zero lost orders, failure queues hold only what was made unprocessable"
      : "VERIFICATION FAILED",
  );
  return lines.join("\n");
}
