import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { type Ctx, controller, get, LaurenFactory, module, post, type StandardSchemaV1 } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

const Recruit = z.object({ name: z.string().min(1), wattage: z.number().int() });
const IdParams = z.object({ id: z.coerce.number().int() });
const Page = z.object({ page: z.coerce.number().int().min(1), tag: z.string().optional() });
const Search = z.object({ hero: z.string() });
const ApiKey = z.object({ "x-api-key": z.string().min(8) });

/** A Standard Schema that accepts anything: shows exactly what the JSON reader produced. */
const Anything: StandardSchemaV1<unknown, Record<string, unknown>> = {
  "~standard": { version: 1, vendor: "test", validate: (value) => ({ value: value as Record<string, unknown> }) },
};

@controller("/v")
class ValidationController {
  @post("/recruit", { body: Recruit })
  recruit({ body }: Ctx<{ body: typeof Recruit }>) {
    return { name: body.name, wattage: body.wattage, wattageType: typeof body.wattage };
  }

  @get("/heroes/{id}", { params: IdParams })
  hero({ params }: Ctx<{ params: typeof IdParams }>) {
    return { id: params.id, type: typeof params.id };
  }

  @get("/list", { query: Page })
  list({ query }: Ctx<{ query: typeof Page }>) {
    return { page: query.page, tag: query.tag ?? null };
  }

  @get("/search", { query: Search })
  search({ query }: Ctx<{ query: typeof Search }>) {
    return { hero: query.hero };
  }

  @get("/secret", { headers: ApiKey })
  secret({ headers }: Ctx<{ headers: typeof ApiKey }>) {
    return { key: headers["x-api-key"] };
  }

  @get("/loose")
  loose({ query }: Ctx) {
    return { query: { ...query } };
  }

  @post("/raw", { body: Anything })
  raw({ body }: Ctx<{ body: typeof Anything }>) {
    const probe: Record<string, unknown> = {};
    return {
      keys: Object.keys(body),
      nestedKeys: typeof body.nested === "object" && body.nested !== null ? Object.keys(body.nested) : null,
      prototypeIsObject: Object.getPrototypeOf(body) === Object.prototype,
      bodyPolluted: (body as { polluted?: unknown }).polluted ?? null,
      globalPolluted: probe.polluted ?? null,
    };
  }
}

@module({ controllers: [ValidationController] })
class ValidationModule {}

const client = new TestClient(LaurenFactory.create(ValidationModule, { logger: false }));

describe("body validation", () => {
  it("hands the handler the parsed, typed body", async () => {
    const res = await client.post("/v/recruit", { json: { name: "Volt", wattage: 9001, extra: "ignored" } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { name: "Volt", wattage: 9001, wattageType: "number" });
  });

  it("answers invalid data with 422 extractor_error listing each issue's path, message and code", async () => {
    const res = await client.post("/v/recruit", { json: { name: "", wattage: "lots" } });
    assert.equal(res.status, 422);
    const { error } = res.json();
    assert.equal(error.code, "extractor_error");
    assert.equal(error.message, "Validation failed for field 'body'");
    assert.equal(error.detail.field, "body");
    assert.equal(error.detail.errors.length, 2);
    for (const issue of error.detail.errors) {
      assert.deepEqual(Object.keys(issue).sort(), ["code", "message", "path"]);
      assert.equal(typeof issue.message, "string");
      assert.ok(issue.message.length > 0);
    }
    const byPath = new Map(error.detail.errors.map((e: { path: string[] }) => [e.path.join("."), e]));
    assert.equal((byPath.get("name") as { code: string }).code, "too_small");
    assert.equal((byPath.get("wattage") as { code: string }).code, "invalid_type");
  });

  it("reports nested issue paths as arrays of keys and indexes", async () => {
    const Team = z.object({ members: z.array(z.object({ name: z.string() })) });
    @controller("/t")
    class TeamController {
      @post("/", { body: Team })
      create({ body }: Ctx<{ body: typeof Team }>) {
        return body;
      }
    }
    @module({ controllers: [TeamController] })
    class TeamModule {}
    const res = await new TestClient(LaurenFactory.create(TeamModule, { logger: false })).post("/t", {
      json: { members: [{ name: "a" }, { name: 7 }] },
    });
    assert.equal(res.status, 422);
    assert.deepEqual(res.json().error.detail.errors[0].path, ["members", 1, "name"]);
  });

  it("answers malformed JSON with 422 extractor_error for the body", async () => {
    const res = await client.post("/v/recruit", { body: '{"name": "Volt", "wattage": }', headers: { "content-type": "application/json" } });
    assert.equal(res.status, 422);
    const { error } = res.json();
    assert.equal(error.code, "extractor_error");
    assert.match(error.message, /^invalid JSON: /);
    assert.deepEqual(error.detail, { field: "body" });
  });

  it("answers an empty body with 422 extractor_field_error 'missing JSON body'", async () => {
    for (const body of ["", "   "]) {
      const res = await client.post("/v/recruit", { body, headers: { "content-type": "application/json" } });
      assert.equal(res.status, 422);
      assert.equal(res.text, '{"error":{"code":"extractor_field_error","message":"missing JSON body","detail":{"field":"body"}}}');
    }
    const none = await client.post("/v/recruit");
    assert.equal(none.status, 422);
    assert.equal(none.json().error.message, "missing JSON body");
  });

  it("refuses a non-JSON content type with 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await client.post("/v/recruit", { body: '{"name":"Volt","wattage":1}', headers: { "content-type": type } });
      assert.equal(res.status, 415, type);
      assert.equal(res.json().error.code, "unsupported_media_type");
    }
  });

  it("refuses a body sent without any content type with 415", async () => {
    const res = await client.post("/v/recruit", { body: '{"name":"Volt","wattage":1}' });
    assert.equal(res.status, 415);
    assert.equal(res.json().error.code, "unsupported_media_type");
  });

  it("answers a body that is not UTF-8 with 422 extractor_error", async () => {
    const res = await client.post("/v/recruit", {
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      headers: { "content-type": "application/json" },
    });
    assert.equal(res.status, 422);
    assert.equal(res.json().error.code, "extractor_error");
    assert.equal(res.json().error.detail.field, "body");
  });

  it("accepts any application/*+json type and a charset parameter", async () => {
    for (const type of ["application/vnd.x+json", "application/json; charset=utf-8", "Application/JSON"]) {
      const res = await client.post("/v/recruit", { body: '{"name":"Volt","wattage":1}', headers: { "content-type": type } });
      assert.equal(res.status, 200, type);
    }
  });

  it("never lets __proto__ or constructor.prototype keys reach Object.prototype or the parsed body", async () => {
    const body =
      '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},' +
      '"nested":{"__proto__":{"polluted":"yes"},"ok":1},"name":"Volt"}';
    const res = await client.post("/v/raw", { body, headers: { "content-type": "application/json" } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), {
      keys: ["nested", "name"],
      nestedKeys: ["ok"],
      prototypeIsObject: true,
      bodyPolluted: null,
      globalPolluted: null,
    });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("keeps an ordinary 'constructor' or 'prototype' key that cannot pollute", async () => {
    const res = await client.post("/v/raw", { json: { constructor: "Volt", prototype: 1 } });
    assert.deepEqual(res.json().keys, ["constructor", "prototype"]);
  });
});

describe("path, query and header validation", () => {
  it("coerces and passes path parameters", async () => {
    assert.deepEqual((await client.get("/v/heroes/12")).json(), { id: 12, type: "number" });
  });

  it("answers a bad path parameter with 422 extractor_field_error naming it", async () => {
    const res = await client.get("/v/heroes/abc");
    assert.equal(res.status, 422);
    const { error } = res.json();
    assert.equal(error.code, "extractor_field_error");
    assert.match(error.message, /^invalid path parameter 'id': /);
    assert.equal(error.detail.field, "id");
  });

  it("validates the query string and ignores undeclared parameters", async () => {
    assert.deepEqual((await client.get("/v/list?page=2&tag=air&other=1")).json(), { page: 2, tag: "air" });
    assert.deepEqual((await client.get("/v/list", { query: { page: "3" } })).json(), { page: 3, tag: null });
  });

  it("answers a missing query parameter with 'missing query parameter' naming it", async () => {
    const res = await client.get("/v/search");
    assert.equal(res.status, 422);
    const { error } = res.json();
    assert.equal(error.code, "extractor_field_error");
    assert.equal(error.message, "missing query parameter 'hero'");
    assert.equal(error.detail.field, "hero");
  });

  it("answers an invalid query parameter with 422 naming it", async () => {
    const res = await client.get("/v/list?page=0");
    assert.equal(res.status, 422);
    assert.match(res.json().error.message, /^invalid query parameter 'page': /);
    assert.equal(res.json().error.detail.field, "page");
  });

  it("validates headers by their lower-case names", async () => {
    const ok = await client.get("/v/secret", { headers: { "X-Api-Key": "open-sesame" } });
    assert.deepEqual(ok.json(), { key: "open-sesame" });
    const missing = await client.get("/v/secret");
    assert.equal(missing.status, 422);
    assert.equal(missing.json().error.code, "extractor_field_error");
    assert.equal(missing.json().error.message, "missing header 'x-api-key'");
    assert.equal(missing.json().error.detail.field, "x-api-key");
    const short = await client.get("/v/secret", { headers: { "x-api-key": "short" } });
    assert.equal(short.status, 422);
    assert.match(short.json().error.message, /^invalid header 'x-api-key': /);
  });

  it("leaves the raw query to a route that declares no schema", async () => {
    assert.deepEqual((await client.get("/v/loose?a=1&a=2&b=x")).json(), { query: { a: ["1", "2"], b: "x" } });
  });
});
