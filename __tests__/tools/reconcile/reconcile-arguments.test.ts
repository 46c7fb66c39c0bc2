import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseReconcileArguments, ReconcileUsageError } from "../../../tools/reconcile/reconcile-arguments";
import { runReconcileCli } from "../../../tools/reconcile/run-reconcile-cli";

const usageError = (argv: string[]) => {
  try {
    parseReconcileArguments(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ReconcileUsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${argv.join(" ")} to be refused`);
};

describe("parseReconcileArguments", () => {
  it("reads local and AWS invocations with their fix settings", () => {
    expect(parseReconcileArguments(["--local", "--stack", "queued-projection"])).toEqual({
      mode: "local",
      stack: "queued-projection",
      endpointsFile: undefined,
      fix: false,
      settleSeconds: 10,
      ignoreQueues: false,
    });
    expect(
      parseReconcileArguments([
        "--details-table",
        "d",
        "--summary-table",
        "s",
        "--region",
        "eu-west-1",
        "--queue-url",
        "https://q/1",
        "--queue-url",
        "https://q/2",
        "--fix",
        "--settle-seconds",
        "2.5",
        "--ignore-queues",
      ]),
    ).toEqual({
      mode: "aws",
      detailsTable: "d",
      summaryTable: "s",
      region: "eu-west-1",
      queueUrls: ["https://q/1", "https://q/2"],
      fix: true,
      settleSeconds: 2.5,
      ignoreQueues: true,
    });
    expect(parseReconcileArguments(["-h"])).toEqual({ mode: "help" });
  });

  it("names the flag at fault", () => {
    expect(usageError([])).toBe("pass --local, or --details-table and --summary-table");
    expect(usageError(["--details-table", "d"])).toBe("--summary-table is missing");
    expect(usageError(["--summary-table", "s", "--details-table", ""])).toBe(
      "--details-table must not be empty",
    );
    expect(usageError(["--local", "--details-table", "d", "--queue-url", "u"])).toMatch(
      /drop --details-table, --queue-url$/,
    );
    expect(usageError(["--stack", "x", "--details-table", "d", "--summary-table", "s"])).toBe(
      "--stack needs --local",
    );
    expect(usageError(["--local", "--fix", "--settle-seconds", "soon"])).toMatch(/^--settle-seconds must be/);
    expect(usageError(["--local", "--fix", "--settle-seconds", "-1"])).toMatch(/--settle-seconds/);
    expect(usageError(["--local", "--settle-seconds", "3"])).toBe("--settle-seconds applies only with --fix");
    expect(usageError(["--local", "--ignore-queues"])).toBe("--ignore-queues applies only with --fix");
    expect(usageError(["--local", "--frobnicate"])).toMatch(/--frobnicate/);
    expect(usageError(["--local", "extra"])).toMatch(/extra/);
  });
});

describe("runReconcileCli configuration errors", () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runReconcileCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("exits 2 with the usage on a usage error, 0 with it on --help", async () => {
    const bad = await run(["--details-table", "d"]);
    expect(bad).toMatchObject({ code: 2, out: "" });
    expect(bad.err).toMatch(/^error: --summary-table is missing\nUsage:/);
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage:/);
  });

  it("exits 2 when the endpoints file is missing, naming `npm start`", async () => {
    const missing = path.join(__dirname, "no-such-dir", "endpoints.json");
    const result = await run(["--local", "--endpoints-file", missing]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      `error: ${missing} does not exist: start the local stacks first with \`npm start\``,
    );
  });

  it("is wired to `npm run reconcile` (tsx tools/reconcile/cli.ts) with exit status 2 on a bad flag", () => {
    const root = path.join(__dirname, "..", "..", "..");
    const script = require(path.join(root, "package.json")).scripts.reconcile;
    expect(script).toBe("tsx tools/reconcile/cli.ts");
    const child = spawnSync(
      path.join(root, "node_modules", ".bin", "tsx"),
      ["tools/reconcile/cli.ts", "--bogus"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(child.status).toBe(2);
    expect(child.stderr).toMatch(/--bogus/);
  });
});
