import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.CQRS_CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface RenderedChart {
  id: string;
  datasets: { label: string; points: number }[];
  /** Canvas pixels that are neither transparent nor white: axes, grid, legend and lines. */
  inkedPixels: number;
  /** Pixels inside the plot area (legend and axes excluded) in the colour of the chart's first series. */
  firstSeriesPixels: number;
  /** Width of the plot area in canvas pixels: a line across it has at least this many. */
  plotWidth: number;
  width: number;
  height: number;
}

export interface ReportRendering {
  charts: RenderedChart[];
  /** Requests the page tried to make to anything but its own file. */
  externalRequests: string[];
  pageErrors: string[];
}

/**
 * Opens an HTML report in headless Chromium (fresh profile, no network beyond the file), reads every
 * Chart.js instance and its canvas, and optionally saves a full-page screenshot.
 */
export async function renderReportInChromium(
  reportFile: string,
  options: { screenshot?: string } = {},
): Promise<ReportRendering> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CQRS_CHROMIUM_PATH`,
    );
  }
  const profile = mkdtempSync(path.join(tmpdir(), "cqrs-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  try {
    const page = await context.newPage();
    const externalRequests: string[] = [];
    const pageErrors: string[] = [];
    const own = pathToFileURL(path.resolve(reportFile)).href;
    page.on("request", (request) => {
      if (request.url() !== own) externalRequests.push(request.url());
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(own, { waitUntil: "load" });
    await page.waitForSelector("body[data-rendered]", { timeout: 15_000 });
    const charts = await page.evaluate(() => {
      interface Canvas {
        width: number;
        height: number;
        getContext(kind: "2d"): { getImageData(...box: number[]): { data: Uint8ClampedArray } } | null;
      }
      type Instance = {
        id: string;
        chart: {
          data: { datasets: { label: string; data: unknown[] }[] };
          canvas: Canvas;
          chartArea: { left: number; top: number; right: number; bottom: number };
          currentDevicePixelRatio: number;
        };
      };
      const instances = (globalThis as unknown as { demoCharts: Instance[] }).demoCharts;
      return instances.map(({ id, chart }) => {
        const canvas = chart.canvas;
        const pixels = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data;
        const first =
          (chart.data.datasets[0] as unknown as { borderColor?: string })?.borderColor ?? "#000000";
        const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(first.slice(at, at + 2), 16));
        let inked = 0;
        let firstSeries = 0;
        const ratio = chart.currentDevicePixelRatio;
        const area = chart.chartArea;
        const [left, top, right, bottom] = [area.left, area.top, area.right, area.bottom].map((v) =>
          Math.round(v * ratio),
        );
        if (pixels) {
          for (let i = 0; i < pixels.length; i += 4) {
            const white = pixels[i] > 245 && pixels[i + 1] > 245 && pixels[i + 2] > 245;
            if (pixels[i + 3] > 0 && !white) inked += 1;
            const x = (i / 4) % canvas.width;
            const y = Math.floor(i / 4 / canvas.width);
            const inPlot = x >= left && x <= right && y >= top && y <= bottom;
            const near =
              Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) < 60;
            if (inPlot && pixels[i + 3] > 200 && near) firstSeries += 1;
          }
        }
        return {
          id,
          datasets: chart.data.datasets.map((d) => ({ label: d.label, points: d.data.length })),
          inkedPixels: inked,
          firstSeriesPixels: firstSeries,
          plotWidth: right - left,
          width: canvas.width,
          height: canvas.height,
        };
      });
    });
    if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true });
    return { charts, externalRequests, pageErrors };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
