import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DEFAULT_MAX_JSON_DEPTH, JsonTooDeepError, parseJson } from "../../src/http/json-body.js";
import { runs } from "./support.js";

/** A JSON document as a tree, so keys such as "__proto__" exist only as text, never as assignments. */
type Node = null | boolean | number | string | { list: Node[] } | { pairs: [string, Node][] };

const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "a", "polluted") },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
);

const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 8 }),
    fc.array(tie("node"), { maxLength: 4 }).map((list) => ({ list })),
    fc.array(fc.tuple(key, tie("node")), { maxLength: 4 }).map((pairs) => ({ pairs })),
  ),
}));

/** Keys are written plainly or entirely as \u escapes (which a naive text check would miss). */
function text(n: Node, escaped: boolean): string {
  if (n === null || typeof n !== "object") return JSON.stringify(n);
  if ("list" in n) return `[${n.list.map((x) => text(x, escaped)).join(",")}]`;
  const keyText = (k: string) =>
    escaped ? `"${[...k].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"` : JSON.stringify(k);
  return `{${n.pairs.map(([k, v]) => `${keyText(k)}:${text(v, escaped)}`).join(" , ")}}`;
}

/** JSON.parse, then the dangerous keys removed: own __proto__, and a constructor object carrying prototype. */
function reference(source: string): unknown {
  const strip = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    if (Object.hasOwn(record, "__proto__")) Reflect.deleteProperty(record, "__proto__");
    const ctor = Object.hasOwn(record, "constructor") ? record.constructor : undefined;
    if (ctor !== null && typeof ctor === "object" && Object.hasOwn(ctor, "prototype")) Reflect.deleteProperty(record, "constructor");
    for (const k of Object.keys(record)) strip(record[k]);
  };
  const parsed: unknown = JSON.parse(source);
  strip(parsed);
  return parsed;
}

describe("property: the JSON body reader", () => {
  it("equals JSON.parse minus the keys that could reach a prototype", () => {
    fc.assert(
      fc.property(node, fc.boolean(), (n, escaped) => {
        const source = text(n, escaped);
        assert.deepStrictEqual(parseJson(source), reference(source));
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
      }),
      runs(500),
    );
  });

  it("leaves no own __proto__ key anywhere", () => {
    fc.assert(
      fc.property(node, fc.boolean(), (n, escaped) => {
        const stack: unknown[] = [parseJson(text(n, escaped))];
        while (stack.length > 0) {
          const value = stack.pop();
          if (value === null || typeof value !== "object") continue;
          assert.equal(Object.hasOwn(value, "__proto__"), false);
          stack.push(...Object.values(value));
        }
      }),
      runs(300),
    );
  });

  it("refuses nesting deeper than the limit and nothing shallower, brackets in strings aside", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: DEFAULT_MAX_JSON_DEPTH + 40 }),
        fc.string({ maxLength: 6 }).map((s) => `${s}[{"\\`),
        fc.constantFrom("[", "{"),
        (depth, noise, open) => {
          const inner = JSON.stringify(noise);
          const source =
            open === "[" ? `${"[".repeat(depth)}${inner}${"]".repeat(depth)}` : `${'{"k":'.repeat(depth)}${inner}${"}".repeat(depth)}`;
          if (depth > DEFAULT_MAX_JSON_DEPTH) assert.throws(() => parseJson(source), JsonTooDeepError);
          else assert.deepStrictEqual(parseJson(source), JSON.parse(source));
        },
      ),
      runs(200),
    );
  });

  it("throws only SyntaxErrors, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (source) => {
        try {
          parseJson(source, 4);
        } catch (error) {
          assert.ok(error instanceof SyntaxError, String(error));
        }
      }),
      runs(200),
    );
  });
});
