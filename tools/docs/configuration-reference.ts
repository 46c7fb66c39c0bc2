/**
 * npm run docs:config: writes docs/configuration.md from the setting declarations in stacks/config.ts.
 * A test fails when the committed page differs from what this renders.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Accepts, REMOVED_SETTINGS, SETTINGS, type SettingSpec } from "../../stacks/config";

export const CONFIGURATION_PAGE = join(__dirname, "..", "..", "docs", "configuration.md");
export const REGENERATE_COMMAND = "npm run docs:config";

const code = (text: string) => `\`${text}\``;
/** Plain text as Markdown: `<account>` would otherwise be read as an HTML tag. */
const markdown = (text: string) => text.replace(/[<*_]/g, "\\$&");

function accepts(rule: Accepts): string {
  switch (rule.kind) {
    case "integer":
      return rule.only ? `one of ${rule.only.join(", ")}` : `an integer from ${rule.min} to ${rule.max}`;
    case "choice":
      return rule.values.map(code).join(", ");
    case "pattern":
    case "list":
      return markdown(rule.text);
  }
}

function defaultOf(setting: SettingSpec): string {
  if (setting.defaultFrom) return `${code(setting.defaultFrom)}'s value`;
  return setting.defaultValue ? code(setting.defaultValue) : "_(none)_";
}

/** A Markdown table with padded columns, so that the page reads as text too. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cells = [header, ...rows].map((row) => row.map((cell) => cell.replaceAll("|", "\\|")));
  const widths = header.map((_, column) => Math.max(3, ...cells.map((row) => row[column].length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(" | ")} |`;
  return [line(cells[0]), line(widths.map((width) => "-".repeat(width))), ...cells.slice(1).map(line)];
}

export function renderConfigurationReference(): string {
  return [
    "# Configuration reference",
    "",
    `<!-- Generated from stacks/config.ts by \`${REGENERATE_COMMAND}\`: change the declarations there, then run it. -->`,
    "",
    "Every setting of the three stacks is an environment variable, read by `stacks/config.ts` whenever the stacks",
    "are synthesized (`npm run synth`, `npm start`, `npx cdktf deploy`, `npm run plan`). An unset or blank variable",
    "takes its default. An invalid value stops synthesis with a message naming the variable and what it accepts.",
    "",
    ...table(
      ["Variable", "Default", "Accepts", "Meaning"],
      SETTINGS.map((setting) => [
        code(setting.variable),
        defaultOf(setting),
        accepts(setting.accepts),
        setting.description,
      ]),
    ),
    "",
    "## Removed settings",
    "",
    "Setting one of these stops synthesis instead of being ignored:",
    "",
    ...Object.entries(REMOVED_SETTINGS).map(([variable, message]) => `- ${code(variable)}: ${message}.`),
    "",
    "## Not stack settings",
    "",
    "Variables the tools read change how the stacks are run or proven, not what is synthesized: the local",
    "runtime's ports and fault injection (`CQRS_LOCAL_*`, `CQRS_FAULT_*`: [local-runtime.md](local-runtime.md)) and",
    "the Terraform toolchain's cache (`CQRS_TOOLCHAIN_CACHE`: [terraform.md](terraform.md)).",
    "",
  ].join("\n");
}

if (require.main === module) {
  writeFileSync(CONFIGURATION_PAGE, renderConfigurationReference());
  console.log(`wrote ${CONFIGURATION_PAGE}`);
}
