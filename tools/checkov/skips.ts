/**
 * The skip list in `.checkov.yaml` and the verdict on a checkov run: no failed check outside the list,
 * and no entry in the list that no longer matches a failed check (a stale skip hides nothing and must go).
 */

/**
 * One `skip-check` entry: the check id, why it does not fit this product, and optionally the only scan
 * variants it applies to (`# [only: no-auth] reason`): elsewhere the check must pass. checkov itself, run by
 * hand with this file, skips the check everywhere.
 */
export interface Skip {
  readonly id: string;
  readonly reason: string;
  readonly variants?: readonly string[];
}

/** One failed check as checkov reports it, with the variant and stack it was found in. */
export interface Finding {
  readonly checkId: string;
  readonly resource: string;
  /** `<variant>/<stack>`. */
  readonly location: string;
}

const ENTRY = /^\s+-\s+(CKV2?_[A-Z0-9]+_\d+)\s+#\s*(\S.*)$/;

/**
 * Reads the `skip-check:` list of `.checkov.yaml`, each entry on one line with its reason as a comment
 * (`  - CKV_AWS_116  # reason`), the form checkov itself reads. Anything else in the list is refused, so
 * that no skip can lose its reason.
 */
export function parseSkips(yaml: string): Skip[] {
  const lines = yaml.split("\n");
  const start = lines.findIndex((line) => line.trimEnd() === "skip-check:");
  if (start < 0) throw new Error(".checkov.yaml: no `skip-check:` list");
  const skips: Skip[] = [];
  for (const [offset, line] of lines.slice(start + 1).entries()) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    if (!/^\s/.test(line)) break;
    const match = ENTRY.exec(line);
    if (!match) {
      throw new Error(
        `.checkov.yaml line ${start + offset + 2}: expected "  - <check id>  # <reason>", got "${line.trim()}"`,
      );
    }
    const scoped = /^\[only: ([a-z0-9-]+(?:, [a-z0-9-]+)*)\]\s+(\S.*)$/.exec(match[2].trim());
    skips.push(
      scoped
        ? { id: match[1], reason: scoped[2], variants: scoped[1].split(", ") }
        : { id: match[1], reason: match[2].trim() },
    );
  }
  const ids = skips.map((skip) => skip.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new Error(`.checkov.yaml: ${duplicate} is listed twice`);
  return skips;
}

export interface Verdict {
  /** Failed checks that no skip covers. */
  readonly unexpected: readonly Finding[];
  /** Skips that matched no failed check in any variant. */
  readonly stale: readonly Skip[];
  /** How many findings each skip covers. */
  readonly covered: ReadonlyMap<string, number>;
}

/** The variant a finding was found in: the first part of its location. */
const variantOf = (finding: Finding) => finding.location.split("/")[0];

export function judge(findings: readonly Finding[], skips: readonly Skip[]): Verdict {
  const covered = new Map(skips.map((skip) => [skip.id, 0]));
  const unexpected: Finding[] = [];
  for (const finding of findings) {
    const skip = skips.find(
      (s) =>
        s.id === finding.checkId && (s.variants === undefined || s.variants.includes(variantOf(finding))),
    );
    if (skip) covered.set(skip.id, (covered.get(skip.id) ?? 0) + 1);
    else unexpected.push(finding);
  }
  const stale = skips.filter((skip) => covered.get(skip.id) === 0);
  return { unexpected, stale, covered };
}

interface CheckovReport {
  check_type: string;
  results: { failed_checks: { check_id: string; resource: string; file_path: string }[] };
  summary: { passed: number; parsing_errors: number; checkov_version?: string };
}

/**
 * The findings of checkov's JSON output (one report, or a list of reports per framework). `file_path` is
 * `/<variant>/<stack>/cdk.tf.json` relative to the scanned directory. Parsing errors are refused: a file
 * checkov could not read was not judged.
 */
export function findingsOf(output: string): { findings: Finding[]; checkovVersion: string; passed: number } {
  const parsed = JSON.parse(output) as CheckovReport | CheckovReport[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const findings: Finding[] = [];
  let checkovVersion = "unknown";
  let passed = 0;
  for (const report of reports) {
    if (report.summary.parsing_errors > 0) {
      throw new Error(
        `checkov could not parse ${report.summary.parsing_errors} file(s) (${report.check_type})`,
      );
    }
    checkovVersion = report.summary.checkov_version ?? checkovVersion;
    passed += report.summary.passed;
    for (const failed of report.results.failed_checks) {
      findings.push({
        checkId: failed.check_id,
        // checkov names some resources `resource.<id>` and others `<type>.<id>`; the id is what matters.
        resource: failed.resource.replace(/^[^.]+\./, ""),
        location: failed.file_path.replace(/^\//, "").replace(/\/cdk\.tf\.json$/, ""),
      });
    }
  }
  return { findings, checkovVersion, passed };
}
