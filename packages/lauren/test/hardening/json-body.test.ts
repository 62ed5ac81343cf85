import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Ctx, controller, type LaurenApplication, LaurenFactory, module, post, type StandardSchemaV1 } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { send } from "../support/http-client.js";

const Anything: StandardSchemaV1<unknown, unknown> = {
  "~standard": { version: 1, vendor: "test", validate: (value) => ({ value }) },
};

let lastBody: unknown;

@controller("/")
class BodyController {
  @post("/take", { body: Anything })
  take({ body }: Ctx<{ body: typeof Anything }>) {
    lastBody = body;
    return { ok: true };
  }
}

@module({ controllers: [BodyController] })
class BodyModule {}

const JSON_HEADERS = { "content-type": "application/json" };

/** About 1 MiB of many small values: the shape where a per-value reviver costs the most. */
function bigDocument(extra: string): string {
  const values = Array.from({ length: 250_000 }, (_, i) => i % 1000);
  return `{"values":[${values.join(",")}],"note":${extra}}`;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

describe("JSON bodies: prototype keys, depth and messages", () => {
  let app: LaurenApplication;
  let url: string;
  before(async () => {
    app = LaurenFactory.create(BodyModule, { logger: false, maxBodySize: 2 * 1024 * 1024 });
    ({ url } = await app.listen({ port: 0 }));
  });
  after(() => app.shutdown());

  it('parses a 1 MiB body containing "__proto__" as a value about as fast as one without it (over a socket)', async () => {
    const plain = bigDocument('"nothing"');
    const suspicious = bigDocument('"__proto__"');
    assert.ok(plain.length > 900_000 && plain.length < 1_048_576);
    const time = async (body: string): Promise<number> => {
      const start = performance.now();
      const res = await send(`${url}/take`, { method: "POST", headers: JSON_HEADERS, body });
      assert.equal(res.status, 200, res.text);
      return performance.now() - start;
    };
    // Warm up both paths, then interleave the runs so machine noise hits both alike.
    await time(plain);
    await time(suspicious);
    const plainTimes: number[] = [];
    const suspiciousTimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      plainTimes.push(await time(plain));
      suspiciousTimes.push(await time(suspicious));
    }
    const ratio = median(suspiciousTimes) / median(plainTimes);
    assert.ok(
      ratio < 3,
      `median ${median(suspiciousTimes).toFixed(1)} ms vs ${median(plainTimes).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`,
    );
  });

  it("drops __proto__ keys also when spelled with \\u escapes", async () => {
    const client = new TestClient(app);
    const body = '{"\\u005f_proto__":{"polluted":1},"n":{"__pro\\u0074o__":{"polluted":2},"ok":1}}';
    const res = await client.post("/take", { body, headers: JSON_HEADERS });
    assert.equal(res.status, 200);
    const parsed = lastBody as Record<string, Record<string, unknown>>;
    assert.equal(Object.hasOwn(parsed, "__proto__"), false);
    assert.equal(Object.hasOwn(parsed.n as object, "__proto__"), false);
    assert.deepEqual({ ...(parsed.n as object) }, { ok: 1 });
    const ctor = await client.post("/take", { body: '{"\\u0063onstructor":{"prototype":{"x":1}},"ok":1}', headers: JSON_HEADERS });
    assert.equal(ctor.status, 200);
    assert.deepEqual({ ...(lastBody as object) }, { ok: 1 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("keeps a harmless constructor field and __proto__ as a value", async () => {
    const client = new TestClient(app);
    const res = await client.post("/take", {
      body: '{"constructor":"Volt","word":"__proto__","list":["__proto__"]}',
      headers: JSON_HEADERS,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(lastBody, { constructor: "Volt", word: "__proto__", list: ["__proto__"] });
  });

  it("refuses deep nesting with a fixed message, never the engine's", async () => {
    const client = new TestClient(app);
    for (const body of [`${"[".repeat(20_000)}"__proto__"${"]".repeat(20_000)}`, `${'{"__proto__":'.repeat(5_000)}1${"}".repeat(5_000)}`]) {
      const res = await client.post("/take", { body, headers: JSON_HEADERS });
      assert.equal(res.status, 422);
      assert.equal(
        res.text,
        '{"error":{"code":"extractor_error","message":"invalid JSON: nested deeper than 128 levels","detail":{"field":"body"}}}',
      );
    }
  });

  it("accepts exactly 128 levels and refuses 129; brackets inside strings do not count", async () => {
    const client = new TestClient(app);
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    assert.equal((await client.post("/take", { body: nested(128), headers: JSON_HEADERS })).status, 200);
    assert.equal((await client.post("/take", { body: nested(129), headers: JSON_HEADERS })).status, 422);
    const inString = JSON.stringify({ text: `${"[{".repeat(500)}\\"[[[` });
    assert.equal((await client.post("/take", { body: inString, headers: JSON_HEADERS })).status, 200);
  });

  it("takes its depth limit from maxJsonDepth", async () => {
    const client = new TestClient(LaurenFactory.create(BodyModule, { logger: false, maxJsonDepth: 3 }));
    assert.equal((await client.post("/take", { body: '{"a":[[1]]}', headers: JSON_HEADERS })).status, 200);
    const res = await client.post("/take", { body: '{"a":[[[1]]]}', headers: JSON_HEADERS });
    assert.equal(res.json<{ error: { message: string } }>().error.message, "invalid JSON: nested deeper than 3 levels");
  });

  it("refuses a maxJsonDepth that is not a positive whole number at start-up", () => {
    assert.throws(
      () => LaurenFactory.create(BodyModule, { logger: false, maxJsonDepth: 0 }),
      /maxJsonDepth must be a positive whole number/,
    );
  });
});
