import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import fc from "fast-check";
import type FastJson from "fast-json-stringify";
import { z } from "zod";
import { isFrozenRecord } from "../../src/http/frozen-records.js";
import { compileSerializer, type Serialize } from "../../src/http/serialize.js";

const fastJson = createRequire(import.meta.url)("fast-json-stringify") as typeof FastJson;

const Badge = z.object({ label: z.string(), level: z.number().int() });
const Agent = z
  .object({
    id: z.number().int(),
    name: z.string(),
    score: z.number().optional(),
    badges: z.array(Badge),
    boss: z.object({ name: z.string() }).optional(),
  })
  .meta({ id: "Agent" });
const Plain = z.object({ id: z.number().int(), name: z.string(), alias: z.string().nullable() });

function compile(schema: z.ZodType): Serialize {
  const serialize = compileSerializer({ schema, label: "GET /t", validate: false, warn: () => {} });
  assert.ok(serialize !== null);
  return serialize;
}

/** fast-json-stringify on the same JSON Schema, as the serializer was before frozen records. */
function reference(schema: z.ZodType): Serialize {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: "draft-07" }) as Record<string, unknown>;
  return fastJson(json as unknown as Parameters<typeof FastJson>[0]);
}

function outcome(serialize: Serialize, value: unknown): string {
  try {
    return serialize(value);
  } catch {
    return "(throws)";
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

// Leaves of every kind, right and wrong for the schema, so coercions and errors are compared too.
const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
const badge = fc.record({ label: leaf, level: leaf, secret: leaf }, { requiredKeys: ["label", "level"] });
const agent = fc.record(
  {
    id: fc.oneof(fc.integer(), leaf),
    name: fc.oneof(fc.string(), leaf),
    score: leaf,
    badges: fc.array(badge, { maxLength: 3 }),
    boss: fc.record({ name: leaf, secret: leaf }),
    secret: leaf,
  },
  { requiredKeys: ["id", "name", "badges"] },
);
const plain = fc.record(
  { id: fc.integer(), name: fc.string(), alias: fc.option(fc.string()), secret: fc.string() },
  { requiredKeys: ["id", "name"] },
);
/** Some values deep-frozen, some frozen only at the top, some not at all. */
const freezing = fc.constantFrom("deep", "shallow", "none");
function frozen<T>(value: T, how: string): T {
  if (how === "deep") return deepFreeze(value);
  return how === "shallow" ? Object.freeze(value) : value;
}

test("frozen or not, records are written exactly as fast-json-stringify writes them, every time", () => {
  const cases: [z.ZodType, fc.Arbitrary<unknown>][] = [
    [Agent, agent],
    [z.array(Agent), fc.array(agent, { maxLength: 4 })],
    [Plain, plain],
    [z.array(Plain), fc.array(plain, { maxLength: 4 })],
  ];
  for (const [schema, values] of cases) {
    const serialize = compile(schema);
    const expected = reference(schema);
    fc.assert(
      fc.property(values, freezing, freezing, (value, outer, inner) => {
        const items = Array.isArray(value) ? value.map((item) => frozen(item, inner)) : value;
        const body = frozen(items, outer);
        const want = outcome(expected, body);
        // Twice: the second call reads what the first one remembered.
        assert.equal(outcome(serialize, body), want);
        assert.equal(outcome(serialize, body), want);
      }),
      { numRuns: 300 },
    );
    for (const odd of [null, undefined, 5, "x", {}, [], [null], [5], [[]]]) assert.equal(outcome(serialize, odd), outcome(expected, odd));
  }
});

test("strings of any code point in frozen records read back identically with JSON.parse", () => {
  const serialize = compile(z.array(Plain));
  fc.assert(
    fc.property(
      fc.array(fc.record({ id: fc.integer(), name: fc.string({ unit: "binary" }), alias: fc.option(fc.string({ unit: "grapheme" })) }), {
        maxLength: 5,
      }),
      (rows) => {
        const records = rows.map((row) => deepFreeze({ ...row, secret: "never sent" }));
        const sent = rows.map((row) => ({ ...row }));
        for (let round = 0; round < 2; round++) assert.deepEqual(JSON.parse(serialize(records)), sent);
      },
    ),
    { numRuns: 200 },
  );
});

test("what can still change is written afresh: a mutable inner object, a getter", () => {
  const serialize = compile(Agent);
  const boss = { name: "M" };
  const record = Object.freeze({ id: 1, name: "Nyx", badges: Object.freeze([]), boss });
  assert.equal(serialize(record), '{"id":1,"name":"Nyx","badges":[],"boss":{"name":"M"}}');
  boss.name = "Q";
  assert.equal(serialize(record), '{"id":1,"name":"Nyx","badges":[],"boss":{"name":"Q"}}');

  let calls = 0;
  const withGetter = Object.freeze(
    Object.defineProperty({ id: 2, badges: Object.freeze([]) }, "name", { get: () => `call ${++calls}`, enumerable: true }),
  );
  assert.equal(serialize(withGetter), '{"id":2,"name":"call 1","badges":[]}');
  assert.equal(serialize(withGetter), '{"id":2,"name":"call 2","badges":[]}');
});

test("a name added to Object.prototype after a record was first written still shows as it would without the cache", () => {
  const serialize = compile(z.array(Agent));
  const record = deepFreeze({ id: 1, name: "Nyx", badges: [] });
  assert.equal(serialize([record]), '[{"id":1,"name":"Nyx","badges":[]}]');
  const proto = Object.prototype as { score?: number };
  proto.score = 5;
  try {
    assert.equal(serialize([record]), '[{"id":1,"name":"Nyx","badges":[],"score":5}]');
  } finally {
    delete proto.score;
  }
  assert.equal(serialize([record]), '[{"id":1,"name":"Nyx","badges":[]}]');
});

test("isFrozenRecord: frozen plain data all the way down, nothing else", () => {
  assert.equal(isFrozenRecord(deepFreeze({ a: 1, b: [1, { c: "x" }], d: null, e: Object.create(null) })), true);
  assert.equal(isFrozenRecord(deepFreeze({ a: 1, self: null as unknown })), true);
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  assert.equal(isFrozenRecord(Object.freeze(cyclic)), true);
  assert.equal(isFrozenRecord({ a: 1 }), false);
  assert.equal(isFrozenRecord(Object.freeze({ inner: { a: 1 } })), false);
  assert.equal(isFrozenRecord(Object.freeze(new Date(0))), false);
  assert.equal(isFrozenRecord(Object.freeze(new (class Hero {})())), false);
  assert.equal(isFrozenRecord(Object.freeze(new Proxy({}, {}))), false);
  assert.equal(isFrozenRecord(deepFreeze({ toJSON: "x" })), false);
  assert.equal(isFrozenRecord(deepFreeze({ f() {} })), false);
  assert.equal(isFrozenRecord(deepFreeze({ s: Symbol("s") })), false);
  assert.equal(isFrozenRecord(deepFreeze({ n: 1n })), false);
  // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
  assert.equal(isFrozenRecord(Object.freeze([1, , 3])), false);
  assert.equal(isFrozenRecord(Object.freeze(Object.defineProperty({}, "a", { get: () => 1 }))), false);
});
