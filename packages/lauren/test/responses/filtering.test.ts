import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { z } from "zod";
import { controller, get, LaurenFactory, type LaurenOptions, type Logger, module, post, reply } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

const Badge = z.object({ label: z.string(), level: z.number().int() });
const Agent = z.object({ id: z.number().int(), name: z.string(), badges: z.array(Badge), boss: z.object({ name: z.string() }).optional() });
const Note = z.object({ text: z.string() });

// The objects below carry fields the schemas leave out; `as never` forces them past the
// compile-time check, the way data from a database or a spread would arrive.
let forced: unknown = null;

@controller("/agents")
class AgentController {
  @get("/one", { response: Agent })
  one() {
    return {
      id: 7,
      name: "Nyx",
      secret: "Jane Doe",
      badges: [{ label: "gold", level: 3, secret: "vault code" }],
      boss: { name: "M", secret: "real name" },
    } as never;
  }

  @get("/many", { response: z.array(Agent) })
  many() {
    return [
      { id: 1, name: "A", badges: [], secret: "s1" },
      { id: 2, name: "B", badges: [{ label: "x", level: 1, secret: "s2" }] },
    ] as never;
  }

  @post("/", { response: Agent, status: 201 })
  created() {
    return reply({ id: 9, name: "Reply", badges: [], secret: "hidden" }, { status: 201, headers: { location: "/agents/9" } }) as never;
  }

  @get("/other-status", { response: Agent })
  accepted() {
    return reply({ queued: true }, { status: 202 });
  }

  @get("/plain")
  plain() {
    return { anything: "goes", secret: "kept: no schema declared" };
  }

  @get("/forced", { response: Agent })
  broken() {
    return forced as never;
  }

  @get("/note", { response: Note })
  note() {
    return forced as never;
  }
}

@module({ controllers: [AgentController] })
class AgentModule {}

function capture(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const logger: Logger = {
    info() {},
    warn() {},
    error(message, fields) {
      const err = fields?.error;
      errors.push(`${message} ${err instanceof Error ? err.message : ""}`);
    },
  };
  return { logger, errors };
}

function client(options: LaurenOptions = {}) {
  return new TestClient(LaurenFactory.create(AgentModule, { logger: false, ...options }));
}

test("undeclared fields are dropped at every depth: nested objects and array items", async () => {
  const c = client();
  assert.deepEqual((await c.get("/agents/one")).json(), { id: 7, name: "Nyx", badges: [{ label: "gold", level: 3 }], boss: { name: "M" } });
  const many = await c.get("/agents/many");
  assert.equal(many.status, 200);
  assert.equal(many.headers["content-type"], "application/json");
  assert.doesNotMatch(many.text, /secret|s1|s2/);
  assert.deepEqual(many.json(), [
    { id: 1, name: "A", badges: [] },
    { id: 2, name: "B", badges: [{ label: "x", level: 1 }] },
  ]);
});

test("a reply() with the route's status is filtered too; other statuses and routes without a schema are not", async () => {
  const c = client();
  const created = await c.post("/agents/");
  assert.equal(created.status, 201);
  assert.equal(created.headers.location, "/agents/9");
  assert.deepEqual(created.json(), { id: 9, name: "Reply", badges: [] });
  assert.deepEqual((await c.get("/agents/other-status")).json(), { queued: true });
  assert.deepEqual((await c.get("/agents/plain")).json(), { anything: "goes", secret: "kept: no schema declared" });
});

test("a body missing a required field is a logged 500 naming the route and the field", async () => {
  const { logger, errors } = capture();
  const c = client({ logger });
  forced = { id: 1, badges: [] };
  const res = await c.get("/agents/forced");
  assert.equal(res.status, 500);
  assert.equal(res.json().error.code, "internal_error");
  assert.doesNotMatch(res.text, /name|required/);
  assert.equal(errors.length, 1);
  assert.match(errors[0] as string, /GET \/agents\/forced \(AgentController\.broken\)/);
  assert.match(errors[0] as string, /at name: /);
});

test("a number that cannot be one is a 500 even without validateResponses", async () => {
  const c = client();
  forced = { id: "seven", name: "N", badges: [] };
  assert.equal((await c.get("/agents/forced")).status, 500);
});

test("validateResponses catches the mismatches the serializer would coerce, with the field's path", async () => {
  const { logger, errors } = capture();
  const c = client({ logger, validateResponses: true });
  forced = { id: 1, name: "N", badges: [{ label: "x", level: 1.5 }] };
  assert.equal((await c.get("/agents/forced")).status, 500);
  assert.match(errors[0] as string, /at badges\[0\]\.level/);
  forced = { id: 1, name: 42, badges: [] };
  assert.equal((await c.get("/agents/forced")).status, 500);
  assert.match(errors[1] as string, /at name/);
  forced = { id: 1, name: "N", badges: [], secret: "x" };
  const ok = await c.get("/agents/forced");
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json(), { id: 1, name: "N", badges: [] });
  // Without the option the same string-for-number mismatch is coerced, as documented.
  forced = { id: 1, name: 42, badges: [] };
  assert.deepEqual((await client().get("/agents/forced")).json(), { id: 1, name: "42", badges: [] });
});

test("strings of any code point serialize to what JSON.parse reads back identically", async () => {
  const c = client();
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), async (binary, grapheme) => {
      for (const text of [binary, grapheme]) {
        forced = { text };
        const res = await c.get("/agents/note");
        assert.equal(res.status, 200);
        assert.deepEqual(JSON.parse(res.text), { text });
      }
    }),
    { numRuns: 150 },
  );
  // Lone surrogates and the characters JSON must escape.
  for (const text of ["\ud800", "\udfff x", '"\\\n\r\t\u0000\u001f\u2028\u2029', "😀"]) {
    forced = { text };
    assert.deepEqual(JSON.parse((await c.get("/agents/note")).text), { text });
  }
});
