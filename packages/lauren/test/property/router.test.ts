import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Router } from "../../src/routing/index.js";
import { runs } from "./support.js";

/** A template as segments: a fixed word, or a parameter (named when registered). */
type Segment = { word: string } | { param: true };

const segment = fc.oneof(
  fc.constantFrom("heroes", "teams", "a", "b", "x-1").map((word) => ({ word })),
  fc.constant({ param: true as const }),
);
const template = fc.array(segment, { minLength: 0, maxLength: 4 });
const value = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/);

function render(segments: Segment[]): string {
  let n = 0;
  return `/${segments.map((s) => ("word" in s ? s.word : `{p${n++}}`)).join("/")}`;
}

/** The obvious matcher: same number of segments, words equal, parameters take any non-empty segment. */
function referenceMatch(segments: Segment[], path: string): Record<string, string> | null {
  if (path.includes("//")) return null;
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  const parts = trimmed === "/" ? [] : trimmed.slice(1).split("/");
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    const s = segments[i] as Segment;
    const part = parts[i] as string;
    if ("word" in s) {
      if (s.word !== part) return null;
    } else {
      if (part === "") return null;
      params[`p${n++}`] = part;
    }
  }
  return params;
}

/** Concrete paths near the templates: filled in, with a trailing slash, a segment short, or random words. */
function pathFor(templates: Segment[][]) {
  const filled = fc
    .tuple(fc.constantFrom(...templates), fc.array(value, { minLength: 4, maxLength: 4 }), fc.boolean(), fc.boolean())
    .map(([segments, values, slash, drop]) => {
      let n = 0;
      const parts = segments.map((s) => ("word" in s ? s.word : values[n++ % values.length]));
      if (drop) parts.pop();
      return `/${parts.join("/")}${slash ? "/" : ""}`;
    });
  const random = fc.array(fc.oneof(value, fc.constantFrom("heroes", "a", "")), { maxLength: 4 }).map((parts) => `/${parts.join("/")}`);
  return fc.oneof(filled, random);
}

describe("property: the router against a reference matcher", () => {
  it("finds a route exactly when some template matches, with the right parameters", () => {
    const templates = fc.uniqueArray(template, { minLength: 1, maxLength: 6, selector: (t) => render(t).replace(/\{p\d+\}/g, "{}") });
    fc.assert(
      fc.property(
        templates.chain((ts) => fc.tuple(fc.constant(ts), fc.array(pathFor(ts), { minLength: 1, maxLength: 8 }))),
        ([ts, paths]) => {
          const router = new Router<{ index: number }>();
          ts.forEach((t, index) => {
            router.add("GET", render(t), { index }, () => "an earlier template", String(index));
          });
          for (const path of paths) {
            const matches = ts.map((t) => referenceMatch(t, path));
            const found = router.lookup("GET", path);
            if (matches.every((m) => m === null)) {
              assert.equal(found, null, `${path} should match none of ${ts.map(render).join(" ")}`);
              continue;
            }
            assert.ok(found !== null, `${path} should match one of ${ts.map(render).join(" ")}`);
            const expected = matches[found.route.index];
            assert.ok(expected != null, `${path} matched ${render(ts[found.route.index] as Segment[])}, which does not fit it`);
            assert.deepEqual({ ...found.params }, expected);
            assert.equal(router.lookup("POST", path), null);
          }
        },
      ),
      runs(300),
    );
  });
});
