/**
 * Every relative link of README.md and docs/*.md points at a file that exists and, with a #fragment, at a heading
 * of that page (as GitHub names heading anchors).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = join(__dirname, "..", "..");
const PAGES = [
  join(ROOT, "README.md"),
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => join(ROOT, "docs", name)),
];

/** The page without its fenced code blocks, where `#` lines and brackets are code. */
const prose = (markdown: string) => markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens; repeats get -1, -2 ... */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe("links in README.md and docs/", () => {
  it("finds the pages and their links", () => {
    expect(PAGES.length).toBeGreaterThan(5);
    expect(relativeLinks(readFileSync(join(ROOT, "README.md"), "utf8")).length).toBeGreaterThan(5);
  });

  it("names GitHub's anchors", () => {
    expect([
      ...anchors("# `POST /order`\n## npm run rehearse:cli\n## A b\n## A b\n```\n# not a heading\n```\n"),
    ]).toEqual(["post-order", "npm-run-rehearsecli", "a-b", "a-b-1"]);
  });

  it.each(PAGES.map((page) => [relative(ROOT, page), page]))(
    "%s: every relative link resolves",
    (_name, page) => {
      const broken: string[] = [];
      for (const link of relativeLinks(readFileSync(page, "utf8"))) {
        const [file, fragment] = link.split("#", 2);
        const target = file === "" ? page : resolve(dirname(page), decodeURIComponent(file));
        if (!existsSync(target)) {
          broken.push(`${link}: no file ${relative(ROOT, target)}`);
        } else if (fragment !== undefined && target.endsWith(".md")) {
          if (!anchors(readFileSync(target, "utf8")).has(fragment))
            broken.push(`${link}: no heading #${fragment}`);
        }
      }
      expect(broken).toEqual([]);
    },
  );
});
