import { readFileSync } from "node:fs";
import * as path from "node:path";
import { projectionPattern } from "../../stacks/projections";
import type { DemoRecording, StackRecording } from "./run-demo";
import type { StackSample } from "./sampler";
import { summaryRows } from "./text-summary";

/** Chart.js's self-contained UMD build, inlined so that the report opens with no network. */
function chartJsSource(): string {
  const dist = path.dirname(require.resolve("chart.js"));
  return readFileSync(path.join(dist, "chart.umd.min.js"), "utf8");
}

interface Series {
  label: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}

interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  /** One list of series per stack, same order as recording.stacks. */
  perStack: Series[][];
}

const points = (samples: StackSample[], pick: (s: StackSample) => number | undefined) =>
  samples.flatMap((s) => {
    const y = pick(s);
    return y === undefined ? [] : [{ x: s.t, y }];
  });

/** Per-second rate of a cumulative counter. */
const ratePoints = (samples: StackSample[], pick: (s: StackSample) => number) =>
  samples.slice(1).map((s, i) => {
    const before = samples[i];
    const seconds = Math.max(0.001, s.t - before.t);
    return { x: s.t, y: Math.round(((pick(s) - pick(before)) / seconds) * 10) / 10 };
  });

function chartSpecs(stacks: StackRecording[]): ChartSpec[] {
  const functionNames = (stack: StackRecording) => Object.keys(stack.samples[0]?.invocations ?? {}).sort();
  return [
    {
      id: "orders",
      title: "Orders accepted by the API and reflected in the summary table",
      unit: "orders",
      perStack: stacks.map((stack) => [
        { label: "accepted", points: points(stack.samples, (s) => s.accepted) },
        { label: "in the summary", points: points(stack.samples, (s) => s.projected) },
      ]),
    },
    {
      id: "lag",
      title: "Summary lag: orders accepted but not yet in the summary",
      unit: "orders",
      perStack: stacks.map((stack) => [{ label: "lag", points: points(stack.samples, (s) => s.lag) }]),
    },
    {
      id: "capacity",
      title: "Summary table write capacity consumed per second, against what is provisioned",
      unit: "WCU/s",
      perStack: stacks.map((stack) => [
        { label: "consumed", points: ratePoints(stack.samples, (s) => s.consumedSummaryWcu) },
        {
          label: "provisioned",
          dashed: true,
          points: points(stack.samples, () => stack.settings.summaryTable.writeCapacity),
        },
      ]),
    },
    {
      id: "throttles",
      title: "Summary writes per second: succeeded and throttled (ProvisionedThroughputExceeded)",
      unit: "requests/s",
      perStack: stacks.map((stack) => [
        { label: "written", points: ratePoints(stack.samples, (s) => s.summaryWrites) },
        { label: "throttled", points: ratePoints(stack.samples, (s) => s.throttledSummaryWrites) },
      ]),
    },
    {
      id: "invocations",
      title: "Lambda invocations per second, function errors and retried batches or messages",
      unit: "per second",
      perStack: stacks.map((stack) => [
        ...functionNames(stack).map((name) => ({
          label: `${name} invocations`,
          points: ratePoints(stack.samples, (s) => s.invocations[name] ?? 0),
        })),
        { label: "errors", points: ratePoints(stack.samples, (s) => s.errors) },
        { label: "retries", points: ratePoints(stack.samples, (s) => s.retries) },
      ]),
    },
    {
      id: "iterator-age",
      title: "Stream iterator age: age of the oldest details-stream record not yet processed",
      unit: "seconds",
      perStack: stacks.map((stack) => [
        { label: "iterator age", points: points(stack.samples, (s) => s.iteratorAgeSeconds) },
      ]),
    },
    {
      id: "queues",
      title: "Queues: summary updates waiting (queued), dead-letter queue, stream on-failure destination",
      unit: "messages",
      perStack: stacks.map((stack) => [
        ...(stack.settings.queue
          ? [
              { label: "summary-updates queue", points: points(stack.samples, (s) => s.queueDepth) },
              { label: "dead-letter queue", points: points(stack.samples, (s) => s.dlqDepth) },
            ]
          : []),
        { label: "on-failure destination", points: points(stack.samples, (s) => s.failureQueueMessages) },
      ]),
    },
  ];
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** JSON safe to put inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

function settingsLine(stack: StackRecording): string {
  const s = stack.settings;
  const mappings = s.mappings
    .map(
      (m) =>
        `${m.source === "sqs" ? "queue" : "stream"} → ${m.functionName.replace(/^.*-(?=[a-z]+-[a-z]+$)/, "")}: ` +
        `batch ${m.batchSize}, window ${m.batchingWindowSeconds} s` +
        (m.maximumConcurrency ? `, max concurrency ${m.maximumConcurrency}` : "") +
        `, timeout ${m.functionTimeoutSeconds} s`,
    )
    .join("; ");
  const queue = s.queue
    ? `; queue visibility ${s.queue.visibilityTimeoutSeconds} s, maxReceiveCount ${s.queue.maxReceiveCount}`
    : "";
  return `summary ${s.summaryTable.writeCapacity} WCU; ${mappings}${queue}`;
}

/** One self-contained HTML page: the run's summary, its settings and every chart, both stacks side by side. */
export function renderHtmlReport(recording: DemoRecording): string {
  const specs = chartSpecs(recording.stacks);
  const rows = summaryRows(recording);
  const w = recording.workload;
  const header = recording.stacks.map((s) => `<th>${escapeHtml(s.name)}</th>`).join("");
  const tableRows = rows
    .map(
      (r) =>
        `<tr><th>${escapeHtml(r.label)}</th>${r.values
          .map((v) => `<td class="${v === "NO" || v === "never" ? "bad" : ""}">${escapeHtml(v)}</td>`)
          .join("")}</tr>`,
    )
    .join("\n");
  const chartRows = specs
    .map(
      (spec) =>
        `<section class="row"><h2>${escapeHtml(spec.title)}</h2><div class="pair">${recording.stacks
          .map(
            (stack, i) =>
              `<figure><figcaption>${escapeHtml(`${stack.name}: ${projectionPattern(stack.name).label}`)}</figcaption><div class="canvas-box"><canvas id="${spec.id}-${i}"></canvas></div></figure>`,
          )
          .join("")}</div></section>`,
    )
    .join("\n");
  const settings = recording.stacks
    .map((s) => `<li><b>${escapeHtml(s.name)}</b>: ${escapeHtml(settingsLine(s))}</li>`)
    .join("");
  const m = recording.machine;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>CQRS projections: the scaling challenge (${escapeHtml(recording.runId)})</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2430; background: #fff; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 18px 0 6px; }
  p.meta, ul.settings { color: #4a5566; margin: 4px 0; } ul.settings { padding-left: 18px; }
  table { border-collapse: collapse; margin: 12px 0; }
  th, td { border: 1px solid #d5dae1; padding: 3px 10px; text-align: right; }
  tbody th { text-align: left; font-weight: normal; } td.bad { color: #b3261e; font-weight: bold; }
  .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
  figure { margin: 0; } figcaption { font-weight: 600; color: #4a5566; }
  .canvas-box { position: relative; height: 200px; }
</style>
</head>
<body>
<h1>The scaling challenge: ${escapeHtml(recording.stacks.map((stack) => projectionPattern(stack.name).shortName).join(" vs "))} projection</h1>
<p class="meta">Run ${escapeHtml(recording.runId)} at ${escapeHtml(recording.startedAt)}:
${w.burst} orders at once, then ${w.rate}/s for ${w.duration} s, over ${w.accounts} accounts, the same orders to both APIs.
Local runtime, summary tables throttled at their synthesized write capacity (token bucket, DynamoDB's 300 s burst allowance, starting empty).
Costs per order: every DynamoDB and SQS request and every invocation metered as AWS bills it, at the list prices of tools/bench/prices.json.
Machine: ${m.cpus} × ${escapeHtml(m.cpuModel)}, ${m.memoryGb} GB, Node ${escapeHtml(m.node)} ${escapeHtml(m.platform)}.</p>
<ul class="settings">${settings}</ul>
<table><thead><tr><th></th>${header}</tr></thead><tbody>
${tableRows}
</tbody></table>
${chartRows}
<script type="application/json" id="chart-data">${scriptJson(specs)}</script>
<script>${chartJsSource().replace(/<\/script/gi, "<\\/script")}</script>
<script>
(function () {
  var specs = JSON.parse(document.getElementById("chart-data").textContent);
  var palette = ["#1f6fd1", "#e07b00", "#2e9e44", "#b3261e", "#7b4fc9", "#6b7785"];
  window.demoCharts = [];
  specs.forEach(function (spec) {
    var max = 0, maxX = 0;
    spec.perStack.forEach(function (series) { series.forEach(function (s) { s.points.forEach(function (p) {
      if (p.y > max) max = p.y; if (p.x > maxX) maxX = p.x; }); }); });
    spec.perStack.forEach(function (series, i) {
      var chart = new Chart(document.getElementById(spec.id + "-" + i), {
        type: "line",
        data: { datasets: series.map(function (s, j) { return {
          label: s.label, data: s.points, borderColor: palette[j % palette.length],
          backgroundColor: palette[j % palette.length], borderWidth: 2, pointRadius: 0,
          borderDash: s.dashed ? [6, 4] : [], tension: 0, clip: false }; }) },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
          interaction: { mode: "nearest", intersect: false },
          scales: {
            x: { type: "linear", min: 0, max: Math.ceil(maxX), title: { display: true, text: "seconds since the first order" } },
            y: { min: 0, suggestedMax: max > 0 ? max * 1.05 : 1, title: { display: true, text: spec.unit } }
          },
          plugins: { legend: { position: "top", labels: { boxWidth: 12 } } }
        }
      });
      window.demoCharts.push({ id: spec.id + "-" + i, chart: chart });
    });
  });
  document.body.setAttribute("data-rendered", String(window.demoCharts.length));
})();
</script>
</body>
</html>
`;
}
