/**
 * The docs quote the example instead of retyping it: a `<!-- snippet: PATH -->` line followed
 * by a fenced block must hold exactly the region between PATH's `// --8<-- [start:code]` and
 * `// --8<-- [end:code]` lines. This test reads the sources (not dist) and fails on any drift.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const START = "// --8<-- [start:code]";
const END = "// --8<-- [end:code]";
const MARKER = /^\s*<!--\s*snippet:\s*(\S+)\s*-->\s*$/;
/** Anything that looks like an attempt at a marker; a malformed one must not pass silently. */
const NEAR_MARKER = /<!--\s*snippet\b/i;
const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;

/** The repository root: the nearest directory above this file whose package.json declares workspaces. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      const json = JSON.parse(readFileSync(pkg, "utf8")) as { workspaces?: unknown };
      if (json.workspaces !== undefined) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('docs-snippets: no package.json with "workspaces" above the test file');
    dir = parent;
  }
}

function markdownFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) markdownFiles(path, out);
    else if (name.endsWith(".md")) out.push(path);
  }
  return out;
}

interface Snippet {
  /** The file the doc claims to quote, relative to the repository root. */
  readonly source: string;
  /** 1-based line of the marker in the doc. */
  readonly line: number;
  /** The fenced block's content, or null when the marker is not followed by one. */
  readonly text: string | null;
}

interface ParsedDoc {
  readonly snippets: Snippet[];
  /** Lines that look like markers but do not match the exact form. */
  readonly malformed: { line: number; text: string }[];
  /** Fenced blocks tagged ts/typescript, quoted or not. */
  readonly typescriptBlocks: number;
}

/** Finds every marker and the fenced block right after it (blank lines in between are allowed). */
function parseDoc(markdown: string): ParsedDoc {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const snippets: Snippet[] = [];
  const malformed: { line: number; text: string }[] = [];
  const typescriptBlocks = lines.filter((l) => /^\s*(`{3,}|~{3,})\s*(ts|typescript)\b/.test(l)).length;
  for (let i = 0; i < lines.length; i++) {
    const current = lines[i] as string;
    const marker = MARKER.exec(current);
    if (marker === null) {
      if (NEAR_MARKER.test(current)) malformed.push({ line: i + 1, text: current.trim() });
      continue;
    }
    const source = marker[1] as string;
    let j = i + 1;
    while (j < lines.length && (lines[j] as string).trim() === "") j++;
    const open = j < lines.length ? FENCE.exec(lines[j] as string) : null;
    if (open === null) {
      snippets.push({ source, line: i + 1, text: null });
      continue;
    }
    const indent = (open[1] as string).length;
    const fence = open[2] as string;
    const body: string[] = [];
    let k = j + 1;
    let closed = false;
    for (; k < lines.length; k++) {
      const line = lines[k] as string;
      const trimmed = line.trim();
      if (trimmed.startsWith(fence[0] as string) && /^(`{3,}|~{3,})$/.test(trimmed) && trimmed.length >= fence.length) {
        closed = true;
        break;
      }
      // Blocks nested in lists or admonitions are indented; the quoted code is not.
      const lead = line.length - line.trimStart().length;
      body.push(line.slice(Math.min(lead, indent)));
    }
    snippets.push({ source, line: i + 1, text: closed ? body.join("\n") : null });
    i = k;
  }
  return { snippets, malformed, typescriptBlocks };
}

/** The text between the start and end markers of `file`, or an explanation of why there is none. */
function region(source: string): { text: string } | { problem: string } {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const starts = lines.flatMap((l, i) => (l.trim() === START ? [i] : []));
  const ends = lines.flatMap((l, i) => (l.trim() === END ? [i] : []));
  if (starts.length !== 1 || ends.length !== 1) {
    return { problem: `expected exactly one "${START}" and one "${END}" line, found ${starts.length} and ${ends.length}` };
  }
  const [start, end] = [starts[0] as number, ends[0] as number];
  if (end < start) return { problem: `"${END}" comes before "${START}"` };
  return { text: lines.slice(start + 1, end).join("\n") };
}

const withoutTrailingNewlines = (text: string): string => text.replace(/\n+$/, "");

/** A short hint: the first line that differs, with its neighbours. */
function diffHint(expected: string, actual: string): string {
  const want = expected.split("\n");
  const got = actual.split("\n");
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const show = (lines: string[], from: number): string =>
    lines
      .slice(from, from + 3)
      .map((l, n) => `    ${String(from + n + 1).padStart(4)} | ${l}`)
      .join("\n") || "    (nothing: the text ends here)";
  const from = Math.max(0, i - 1);
  return (
    `first difference at line ${i + 1} of the region (source has ${want.length} lines, doc block has ${got.length}).\n` +
    `  source:\n${show(want, from)}\n  doc:\n${show(got, from)}`
  );
}

const root = findRoot();
const docsDir = join(root, "docs");
const docs = markdownFiles(docsDir);
const parsed = new Map(docs.map((path) => [path, parseDoc(readFileSync(path, "utf8"))]));
const rel = (path: string): string => relative(root, path).split(sep).join("/");

describe("docs quote the example's code exactly", () => {
  it("the docs contain at least one snippet", () => {
    const total = [...parsed.values()].reduce((n, d) => n + d.snippets.length, 0);
    assert.ok(total > 0, `no <!-- snippet: PATH --> markers found under ${rel(docsDir)}/: the snippet check would be vacuous`);
  });

  for (const [path, doc] of parsed) {
    const docName = rel(path);
    const isTutorialStep = /^docs\/tutorial\/\d\d-[^/]+\.md$/.test(docName);
    if (doc.snippets.length === 0 && doc.malformed.length === 0 && !isTutorialStep) continue;

    describe(docName, () => {
      it("every snippet marker is well-formed", () => {
        const list = doc.malformed.map((m) => `  line ${m.line}: ${m.text}`).join("\n");
        assert.equal(doc.malformed.length, 0, `${docName} has snippet markers that do not match "<!-- snippet: PATH -->":\n${list}`);
      });

      if (isTutorialStep && doc.typescriptBlocks > 0) {
        it("quotes the example at least once", () => {
          assert.ok(
            doc.snippets.length > 0,
            `${docName} shows TypeScript but quotes no example file: put <!-- snippet: examples/hero-hq/src/FILE.ts --> ` +
              "above the blocks that show the example's code, so this test keeps them in step with it",
          );
        });
      }

      for (const snippet of doc.snippets) {
        const where = `${docName}:${snippet.line}`;
        it(`${where} quotes ${snippet.source}`, () => {
          const target = resolve(root, snippet.source);
          assert.ok(
            !snippet.source.startsWith("/") && target.startsWith(root + sep),
            `${where}: snippet path ${snippet.source} must be relative to the repository root and stay inside it`,
          );
          assert.ok(existsSync(target), `${where}: ${snippet.source} does not exist (renamed or deleted?)`);
          assert.ok(
            snippet.text !== null,
            `${where}: the marker for ${snippet.source} must be followed by a fenced code block (\`\`\`ts … \`\`\`)`,
          );
          const found = region(readFileSync(target, "utf8"));
          assert.ok("text" in found, `${where}: ${snippet.source} has no usable region: ${"problem" in found ? found.problem : ""}`);
          const expected = withoutTrailingNewlines(found.text);
          const actual = withoutTrailingNewlines(snippet.text);
          if (expected !== actual) {
            assert.fail(
              `${where}: the code block differs from the region of ${snippet.source}.\n` +
                `${diffHint(expected, actual)}\n` +
                `Fix: copy the lines between "${START}" and "${END}" of ${snippet.source} into the block.`,
            );
          }
        });
      }
    });
  }
});

describe("the snippet checker itself", () => {
  it("reads a block nested in a list, stripping the list's indentation", () => {
    const doc = parseDoc(
      ["1. Step", "", "   <!-- snippet: a.ts -->", "   ```ts", "   const a = 1;", "     nested();", "   ```"].join("\n"),
    );
    assert.deepEqual(doc.snippets, [{ source: "a.ts", line: 3, text: "const a = 1;\n  nested();" }]);
  });

  it("reports a marker with no block, an unclosed block and a malformed marker", () => {
    const doc = parseDoc(["<!-- snippet: a.ts -->", "text", "<!--snippet:b.ts-->", "```ts", "x", "<!-- snippet a.ts -->"].join("\n"));
    assert.deepEqual(
      doc.snippets.map((s) => [s.source, s.text]),
      [
        ["a.ts", null],
        ["b.ts", null],
      ],
    );
    assert.equal(doc.malformed.length, 0, "the unclosed block swallows the rest of the page");
    assert.deepEqual(parseDoc("<!-- snippet a.ts -->").malformed, [{ line: 1, text: "<!-- snippet a.ts -->" }]);
  });

  it("ends a block only at a fence of the same kind and at least the same length", () => {
    const doc = parseDoc(["<!-- snippet: a.ts -->", "````md", "```ts", "x", "```", "````"].join("\n"));
    assert.equal(doc.snippets[0]?.text, "```ts\nx\n```");
  });

  it("takes exactly the lines between the region markers", () => {
    assert.deepEqual(region(`head\n${START}\nline 1\n\nline 2\n${END}\ntail\n`), { text: "line 1\n\nline 2" });
    assert.ok("problem" in region(`${START}\nno end\n`));
    assert.match(diffHint("a\nb\nc", "a\nB\nc"), /first difference at line 2/);
  });
});
