import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { JsonSessionSerializer, type SessionSerializer, SignedCookieSessionStore } from "../../src/sessions/index.js";
import { Clock, cookieValue, envelopeJson, makeEngine, request } from "./helpers.js";

const json = new JsonSessionSerializer();
const text = fc.string({ unit: "binary", maxLength: 12 });
/** JSON values with any Unicode text, floats and nesting (fc.jsonValue is slow with such strings). */
const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    text,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(text, tie("value"), { maxKeys: 4 }),
  ),
}));
const dumps = (value: Record<string, unknown>): string => json.dumps(value);

describe("the cookie envelope serializer (SESSIONS.md §4)", () => {
  test("expiry and issued-at are Python floats: an integral one keeps its .0", () => {
    assert.equal(dumps({ x: 1768435200, t: 1767225600.123456 }), '{"t":1767225600.123456,"x":1768435200.0}');
  });

  test("floats follow Python's repr, exponent notation included", () => {
    const cases: Array<[number, string]> = [
      [1.5, "1.5"],
      [0.1, "0.1"],
      [0.5, "0.5"],
      [1e-5, "1e-05"],
      [0.0001, "0.0001"],
      [-2.5e-7, "-2.5e-07"],
      [1234567890123456.8, "1234567890123456.8"],
      [1.5e-16, "1.5e-16"],
      [5e-324, "5e-324"],
    ];
    for (const [value, expected] of cases) assert.equal(dumps({ d: { v: value } }), `{"d":{"v":${expected}}}`);
    assert.equal(dumps({ x: 1e16 }), '{"x":1e+16}');
    assert.equal(dumps({ x: 1.7976931348623157e308 }), '{"x":1.7976931348623157e+308}');
    assert.equal(dumps({ x: 0 }), '{"x":0.0}');
  });

  test("integers in session data stay integers, with every digit", () => {
    assert.equal(dumps({ d: { a: 1, b: -0, c: 1e21, e: 2 ** 53 } }), '{"d":{"a":1,"b":0,"c":1000000000000000000000,"e":9007199254740992}}');
  });

  test("keys are sorted by code point at every level, astral characters after U+FFFF", () => {
    assert.equal(dumps({ d: { b: { z: 1, a: 2 }, a: 0 } }), '{"d":{"a":0,"b":{"a":2,"z":1}}}');
    assert.equal(dumps({ "\u{10000}": 1, "\uffff": 2 }), '{"\\uffff":2,"\\ud800\\udc00":1}');
  });

  test("non-ASCII and control characters are escaped as lowercase \\uXXXX, like ensure_ascii", () => {
    assert.equal(dumps({ s: 'Völt ⚡ "q" \\ \n\t\u0001\u007f' }), '{"s":"V\\u00f6lt \\u26a1 \\"q\\" \\\\ \\n\\t\\u0001\\u007f"}');
  });

  test("values JSON cannot hold are treated as JSON.stringify treats them", () => {
    const date = new Date(0);
    assert.equal(
      dumps({ d: { skip: undefined, fn: () => 1, nan: Number.NaN, list: [undefined, Infinity], date } }),
      `{"d":{"date":"${date.toISOString()}","list":[null,null],"nan":null}}`,
    );
  });

  test("a BigInt or cyclic data is refused with a TypeError", () => {
    assert.throws(() => dumps({ d: { n: 1n } }), TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => dumps({ d: cyclic }), TypeError);
  });

  test("invalid UTF-8 is refused when decoding", () => {
    assert.throws(() => json.loads(Buffer.from([0x7b, 0xff, 0x7d])));
  });

  test("any JSON value round-trips, as JSON.stringify would carry it", () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const decoded = json.loads(Buffer.from(dumps({ d: value as Record<string, unknown> }), "utf8"));
        assert.deepEqual(decoded, JSON.parse(JSON.stringify({ d: value })));
      }),
      { numRuns: 300 },
    );
  });

  test("any finite float round-trips exactly, in data and as the expiry", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const decoded = json.loads(Buffer.from(dumps({ d: { v: value }, x: value }), "utf8")) as Record<string, unknown>;
        assert.ok(Object.is((decoded.d as { v: number }).v, value === 0 ? 0 : value));
        assert.equal(decoded.x, value);
      }),
    );
  });

  test("a custom serializer encodes the cookie envelope", async () => {
    const reversed: SessionSerializer = {
      dumps: (data) => JSON.stringify(data).split("").reverse().join(""),
      loads: (raw) => JSON.parse(raw.toString("utf8").split("").reverse().join("")),
    };
    const engine = makeEngine({ store: new SignedCookieSessionStore(), serializer: reversed, clock: new Clock().read });
    const first = await request(engine, null, (s) => s.set("name", "Volt"));
    const value = cookieValue(first.setCookie);
    assert.ok(envelopeJson(value).startsWith("}"));
    const second = await request(engine, value);
    assert.deepEqual(second.session.toJSON(), { name: "Volt" });
  });
});
