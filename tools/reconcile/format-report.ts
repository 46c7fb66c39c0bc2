import { type Decimal, toDecimalText, ZERO } from "../../functions/domain/decimal";
import type { ReconcileReport, SkipReason } from "./reconcile";
import type { AccountDrift, SummaryFigures } from "./types";

const SKIP_REASONS: Record<SkipReason, string> = {
  "changed-during-settle": "its figures changed during the settle window (projection still in flight?)",
  "changed-before-write": "the projection wrote it between reading and rewriting",
};

/** The report as lines for a terminal: drift table, unprojectable items, queue backlog, fix outcome. */
export function formatReport(report: ReconcileReport): string[] {
  const lines: string[] = [];
  if (report.drifts.length === 0) {
    lines.push(`no drift across ${report.accounts} accounts (${report.detailsItems} details items)`);
  } else {
    lines.push(
      `drift in ${report.drifts.length} of ${report.accounts} accounts ` +
        `(${report.detailsItems} details items; difference = summary − details):`,
      ...table([
        ["account", "expected total / orders", "summary total / orders", "total diff", "orders diff"],
        ...report.drifts.map(driftRow),
      ]).map((line) => `  ${line}`),
    );
  }
  if (report.unprojectable.length > 0) {
    lines.push(
      `${report.unprojectable.length} unprojectable details item(s), left out of the expected figures ` +
        "(their stream records fail to the dead-letter / on-failure queue):",
      ...report.unprojectable.map((item) => `  ${item.accountId} / ${item.vendorId}: ${item.reason}`),
    );
  }
  for (const backlog of report.queues.filter((queue) => queue.messages > 0)) {
    lines.push(`queue ${backlog.queueUrl}: ${backlog.messages} message(s) waiting`);
  }
  const fix = report.fix;
  if (fix?.refused) lines.push(fix.refused);
  for (const drift of fix?.rewritten ?? []) {
    lines.push(`fixed ${drift.accountId}: now ${figures(drift.expected)}`);
  }
  for (const { drift, reason } of fix?.skipped ?? []) {
    lines.push(`skipped ${drift.accountId}: ${SKIP_REASONS[reason]}; run again to retry`);
  }
  if (fix && !fix.refused && report.drifts.length > 0) {
    lines.push(`${report.remainingDrifts.length} drifting account(s) remain`);
  }
  return lines;
}

function driftRow(drift: AccountDrift): string[] {
  const actual = drift.unreadableActual
    ? `unreadable: ${drift.unreadableActual}`
    : drift.actual
      ? figures(drift.actual)
      : "(no summary item)";
  return [
    drift.accountId,
    figures(drift.expected) + (drift.onlyInSummary ? " (no orders)" : ""),
    actual,
    drift.totalDifference ? signed(drift.totalDifference) : "?",
    drift.countDifference === null ? "?" : signedCount(drift.countDifference),
  ];
}

function figures(value: SummaryFigures): string {
  return `${toDecimalText(value.accountTotal)} / ${value.orderCount}`;
}

function signed(value: Decimal): string {
  const text = toDecimalText(value);
  return value.gt(ZERO) ? `+${text}` : text;
}

function signedCount(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd(),
  );
}
