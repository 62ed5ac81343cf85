import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import {
  ConfigurationError,
  controller,
  get,
  LaurenFactory,
  type LaurenOptions,
  type Logger,
  module,
  ndjson,
  ndjsonOf,
  openApiDocument,
  post,
  reply,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { send } from "../support/http-client.js";

const Hero = z.object({ id: z.number().int(), name: z.string() });
const Missing = z.object({ id: z.number().int(), reason: z.string() });
const Queued = z.object({ ticket: z.string() });
const Problem = z.object({ problem: z.string() });

// Each body carries a field no schema declares; `as never` forces it past the compile-time check.
const SECRET = { secret: "vault code" };
let forced: unknown = null;

@controller("/desk")
class DeskController {
  @get("/{kind}", { response: Hero, responses: { 404: Missing, 202: { description: "Queued", schema: Queued }, "4XX": Problem } })
  lookup({ params }: { params: Record<string, string> }) {
    const kind = params.kind;
    if (kind === "hero") return { id: 1, name: "Nyx", ...SECRET };
    if (kind === "missing") return reply({ id: 7, reason: "retired", ...SECRET }, { status: 404 });
    if (kind === "queued") return reply({ ticket: "T-1", ...SECRET }, { status: 202, headers: { location: "/desk/T-1" } });
    if (kind === "gone") return reply({ problem: "left HQ", ...SECRET }, { status: 410 });
    return reply({ note: "no schema for 500", ...SECRET }, { status: 500 });
  }

  // No `response`: the entry for the route's own status governs plain values too.
  @post("/", { status: 201, responses: { 201: Hero, 409: "Already on the roster", default: Problem } })
  create() {
    if (forced === "conflict") return reply({ taken: true, ...SECRET }, { status: 409 });
    if (forced === "teapot") return reply({ problem: "short and stout", ...SECRET }, { status: 418 });
    return { id: 2, name: "Vex", ...SECRET } as never;
  }

  @get("/export/all", { response: ndjsonOf(Hero) })
  exportAll() {
    return ndjson([
      { id: 1, name: "Nyx", ...SECRET },
      { id: 2, name: "Vex", ...SECRET },
    ]);
  }

  @get("/export/broken", { response: ndjsonOf(Hero) })
  exportBroken() {
    return ndjson([{ id: 1, name: "Nyx" }, { id: 2 }]) as never;
  }

  @get("/export/unchecked", { response: ndjsonOf(Hero) })
  exportOther() {
    return ndjson([{ id: 1, ...SECRET }], { status: 203 });
  }
}

@module({ controllers: [DeskController] })
class DeskModule {}

function capture(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const note = (message: string, fields?: Record<string, unknown>) => {
    const err = fields?.error;
    errors.push(`${message} ${err instanceof Error ? err.message : ""}`);
  };
  return { logger: { info() {}, warn() {}, error: note }, errors };
}

function client(options: LaurenOptions = {}) {
  return new TestClient(LaurenFactory.create(DeskModule, { logger: false, ...options }));
}

test("a reply is written by the schema declared for its status: exact, then range, then default", async () => {
  const c = client();
  const hero = await c.get("/desk/hero");
  assert.deepEqual([hero.status, hero.json()], [200, { id: 1, name: "Nyx" }]);
  const missing = await c.get("/desk/missing");
  assert.deepEqual([missing.status, missing.json()], [404, { id: 7, reason: "retired" }]);
  const queued = await c.get("/desk/queued");
  assert.deepEqual([queued.status, queued.json(), queued.headers.location], [202, { ticket: "T-1" }, "/desk/T-1"]);
  const gone = await c.get("/desk/gone");
  assert.deepEqual([gone.status, gone.json()], [410, { problem: "left HQ" }], "4XX governs a 410");
  // No entry for 500 and no default: the body is sent as it is.
  assert.deepEqual((await c.get("/desk/other")).json(), { note: "no schema for 500", ...SECRET });
});

test("without `response`, the entry for the route's status governs plain values; a description-only entry sends as is", async () => {
  const c = client();
  forced = null;
  const created = await c.post("/desk/");
  assert.deepEqual([created.status, created.json()], [201, { id: 2, name: "Vex" }]);
  forced = "conflict";
  assert.deepEqual((await c.post("/desk/")).json(), { taken: true, ...SECRET }, "409 has a description, no schema");
  forced = "teapot";
  const teapot = await c.post("/desk/");
  assert.deepEqual([teapot.status, teapot.json()], [418, { problem: "short and stout" }], "default governs the rest");
});

test("NDJSON lines are written by the schema for the stream's status", async () => {
  const c = client();
  const all = await c.get("/desk/export/all");
  assert.equal(all.headers["content-type"], "application/x-ndjson");
  assert.equal(all.text, '{"id":1,"name":"Nyx"}\n{"id":2,"name":"Vex"}\n');
  assert.equal((await c.get("/desk/export/unchecked")).text, '{"id":1,"secret":"vault code"}\n', "203: no schema declared");
});

test("an NDJSON item that does not fit cuts the connection mid-stream and logs the route, item and field", async () => {
  const { logger, errors } = capture();
  const app = LaurenFactory.create(DeskModule, { logger });
  const { url } = await app.listen({ port: 0 });
  try {
    let type: unknown = null;
    await assert.rejects(send(`${url}/desk/export/broken`, { onHeaders: (headers) => (type = headers["content-type"]) }));
    assert.equal(type, "application/x-ndjson", "the head had gone out: the only way left to say it failed is to cut the connection");
    for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(errors.length, 1);
    assert.match(errors[0] as string, /GET \/desk\/export\/broken \(DeskController\.exportBroken\)/);
    assert.match(errors[0] as string, /item 1, at name:/);
  } finally {
    await app.shutdown();
  }
});

test("a body that misfits in production is a 500 whose log names the route and the nested field's path", async () => {
  const { logger, errors } = capture();
  const Squad = z.object({ members: z.array(Hero) });
  @controller("/squad")
  class SquadController {
    @get("/", { response: Squad })
    squad() {
      return forced as never;
    }
  }
  @module({ controllers: [SquadController] })
  class SquadModule {}
  const c = new TestClient(LaurenFactory.create(SquadModule, { logger }));
  forced = { members: [{ id: 1, name: "Nyx" }, { id: 2 }] };
  const res = await c.get("/squad/");
  assert.equal(res.status, 500);
  assert.deepEqual(Object.keys(res.json().error.detail), ["type"]);
  assert.doesNotMatch(res.text, /members|name|Squad/);
  assert.match(errors[0] as string, /GET \/squad \(SquadController\.squad\).*at members\[1\]\.name:/);
});

test("two different schemas for one status fail at create(), naming the route; the same schema twice is fine", () => {
  @controller("/twice")
  class Twice {
    @get("/", { response: Hero, responses: { 200: Missing } })
    both() {
      return { id: 1, name: "x" } as never;
    }
  }
  @module({ controllers: [Twice] })
  class TwiceModule {}
  assert.throws(
    () => LaurenFactory.create(TwiceModule, { logger: false }),
    (err: unknown) =>
      err instanceof ConfigurationError && /GET \/twice \(Twice\.both\).*`response` and `responses\[200\]`/.test(err.message),
  );
  @controller("/same")
  class Same {
    @get("/", { response: Hero, responses: { 200: { description: "The hero", schema: Hero } } })
    one() {
      return { id: 1, name: "x" };
    }
  }
  @module({ controllers: [Same] })
  class SameModule {}
  assert.doesNotThrow(() => LaurenFactory.create(SameModule, { logger: false }));
});

test("OpenAPI documents each status with its schema; a bare schema entry is described by its reason phrase", () => {
  const doc = openApiDocument(LaurenFactory.create(DeskModule, { logger: false }));
  const lookup = doc.paths["/desk/{kind}"]?.get;
  assert.ok(lookup);
  const schemaAt = (status: string) => lookup.responses[status]?.content?.["application/json"]?.schema as Record<string, unknown>;
  assert.deepEqual(Object.keys(schemaAt("200").properties as object), ["id", "name"]);
  assert.equal(lookup.responses["404"]?.description, "Not Found");
  assert.deepEqual(Object.keys(schemaAt("404").properties as object), ["id", "reason"]);
  assert.equal(lookup.responses["202"]?.description, "Queued");
  assert.deepEqual(Object.keys(schemaAt("202").properties as object), ["ticket"]);
  assert.equal(lookup.responses["4XX"]?.description, "Any 4XX status");
  const create = doc.paths["/desk/"]?.post;
  assert.deepEqual(Object.keys(create?.responses ?? {}).sort(), ["201", "409", "default"]);
  assert.equal(create?.responses.default?.description, "Any other status");
  const exported = doc.paths["/desk/export/all"]?.get?.responses["200"]?.content?.["application/x-ndjson"]?.schema as Record<
    string,
    unknown
  >;
  assert.deepEqual(Object.keys(exported.properties as object), ["id", "name"], "each NDJSON line");
});
