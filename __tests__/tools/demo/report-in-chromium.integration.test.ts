import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { renderReportInChromium } from "../../../tools/demo/browser";
import { DEMO_SETTINGS } from "../../../tools/demo/demo-defaults";
import { renderHtmlReport } from "../../../tools/demo/html-report";
import { type DemoRecording, runDemo } from "../../../tools/demo/run-demo";

jest.setTimeout(420_000);

describe("the demo report, from a short real run, in headless Chromium", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "cqrs-demo-report-"));
  const reportFile = path.join(dir, "demo-report.html");
  const screenshot = path.join(dir, "demo-report.png");
  let recording: DemoRecording;

  beforeAll(async () => {
    recording = await runDemo({
      burst: 60,
      rate: 10,
      duration: 2,
      accounts: 20,
      concurrency: 8,
      timeoutSeconds: 240,
      settings: { ...DEMO_SETTINGS },
      seed: 7,
    });
    writeFileSync(reportFile, renderHtmlReport(recording));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("recorded both stacks converging with nothing lost, once a second", () => {
    expect(recording.stacks.map((s) => s.name)).toEqual(["direct-projection", "queued-projection"]);
    for (const stack of recording.stacks) {
      expect(stack.outcome).toMatchObject({
        accepted: 80,
        rejected: 0,
        exactAccounts: 20,
        lostNothing: true,
      });
      expect(stack.outcome.convergedAtSeconds).not.toBeNull();
      expect(stack.samples.length).toBeGreaterThan(3);
      expect(stack.samples[stack.samples.length - 1]).toMatchObject({ accepted: 80, projected: 80, lag: 0 });
      expect(stack.outcome.summaryWrites).toBeGreaterThan(0);
    }
    const [direct, queued] = recording.stacks;
    expect(direct.settings.summaryTable.writeCapacity).toBe(Number(DEMO_SETTINGS.CQRS_DIRECT_SUMMARY_WCU));
    expect(queued.settings.summaryTable.writeCapacity).toBe(Number(DEMO_SETTINGS.CQRS_QUEUED_SUMMARY_WCU));
    expect(Math.max(...queued.samples.map((s) => s.queueDepth ?? 0))).toBeGreaterThan(0);
    expect(direct.samples.every((s) => s.queueDepth === undefined)).toBe(true);
  });

  it("priced what each stack spent per order: the details write at least, SQS only where there is a queue", () => {
    const [direct, queued] = recording.stacks.map((s) => s.outcome.cost);
    for (const cost of [direct, queued]) {
      expect(cost?.orders).toBe(80);
      expect(cost?.writeUnitsPerOrder).toBeGreaterThanOrEqual(1 + (cost?.summaryWriteUnitsPerOrder ?? 0));
      expect(cost?.lambdaInvocations).toBeGreaterThan(0);
      expect(cost?.dollarsPerMillionOrders.onDemand).toBeGreaterThan(0);
    }
    expect(direct?.sqsRequestsPerOrder).toBe(0);
    expect(queued?.sqsRequestsPerOrder).toBeGreaterThan(0);
  });

  it("is one file that needs no network", () => {
    const html = readFileSync(reportFile, "utf8");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/[^"'\s]+\.js/);
  });

  it("draws every chart with data, and saves a screenshot", async () => {
    const rendering = await renderReportInChromium(reportFile, { screenshot });
    expect(rendering.pageErrors).toEqual([]);
    expect(rendering.externalRequests).toEqual([]);
    expect(rendering.charts).toHaveLength(14);
    for (const chart of rendering.charts) {
      expect(chart.datasets.length).toBeGreaterThan(0);
      expect(chart.datasets[0].points).toBeGreaterThan(2);
      expect(chart.plotWidth).toBeGreaterThan(300);
      // The first series is drawn as a line across the plot (a flat zero line included).
      expect({ id: chart.id, drawn: chart.firstSeriesPixels > chart.plotWidth / 2 }).toEqual({
        id: chart.id,
        drawn: true,
      });
    }
    const png = readFileSync(screenshot);
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(statSync(screenshot).size).toBeGreaterThan(50_000);
  });
});
