import assert from "node:assert/strict";
import { once } from "node:events";
import { request } from "node:http";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { controller, get, LaurenFactory, module, ndjson, reply, stream } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { recordingLogger, send } from "../core/support.js";

const state = { finalised: 0, produced: 0 };

@controller("/out")
class OutController {
  @get("/text")
  text() {
    return "hello";
  }

  @get("/bytes")
  bytes() {
    return Buffer.from([0, 1, 2, 255]);
  }

  @get("/u8")
  u8() {
    return new Uint8Array([7, 8, 9]).subarray(1);
  }

  @get("/readable")
  readable() {
    return Readable.from([Buffer.from("ab"), Buffer.from("cd")]);
  }

  @get("/iter")
  async *iter() {
    yield "one,";
    yield "two";
  }

  @get("/lines")
  lines() {
    return ndjson([{ id: 1 }, { id: 2, name: "Zoë" }]);
  }

  @get("/csv")
  csv() {
    return stream(["a,b\n", "1,2\n"], { type: "text/csv; charset=utf-8", headers: { "x-rows": "1" }, status: 203 });
  }

  @get("/endless")
  async *endless() {
    try {
      for (;;) {
        state.produced++;
        yield Buffer.alloc(64 * 1024, 120);
      }
    } finally {
      state.finalised++;
    }
  }

  @get("/broken")
  async *broken() {
    yield "start";
    throw new Error("producer failed");
  }

  @get("/reply-bytes")
  replyBytes() {
    return reply(new Uint8Array([1, 2, 3]), { status: 201 });
  }

  @get("/json", { compress: true })
  json() {
    return { words: "lauren ".repeat(400) };
  }

  @get("/small", { compress: true })
  small() {
    return { tiny: true };
  }

  @get("/png", { compress: true })
  png() {
    return reply(Buffer.alloc(4096), { headers: { "content-type": "image/png" } });
  }

  @get("/lines-gz", { compress: true })
  linesGz() {
    return ndjson(Array.from({ length: 50 }, (_, id) => ({ id })));
  }
}

@module({ controllers: [OutController] })
class OutModule {}

describe("returned values become the natural response", () => {
  const app = LaurenFactory.create(OutModule, { logger: false });
  const client = new TestClient(app);

  it("a string is text/plain in UTF-8, not a JSON string", async () => {
    const res = await client.get("/out/text");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "text/plain; charset=utf-8");
    assert.equal(res.text, "hello");
    assert.equal(res.header("content-length"), "5");
  });

  it("a Buffer and a Uint8Array view are application/octet-stream with their exact bytes", async () => {
    const res = await client.get("/out/bytes");
    assert.equal(res.header("content-type"), "application/octet-stream");
    assert.deepEqual([...res.body], [0, 1, 2, 255]);
    const view = await client.get("/out/u8");
    assert.deepEqual([...view.body], [8, 9]);
    const replied = await client.get("/out/reply-bytes");
    assert.equal(replied.status, 201);
    assert.equal(replied.header("content-type"), "application/octet-stream");
    assert.deepEqual([...replied.body], [1, 2, 3]);
  });

  it("a Readable and an async generator are streamed (chunked, no length)", async () => {
    const res = await client.get("/out/readable");
    assert.equal(res.text, "abcd");
    assert.equal(res.header("content-type"), "application/octet-stream");
    assert.equal(res.header("content-length"), undefined);
    const gen = await client.get("/out/iter");
    assert.equal(gen.text, "one,two");
  });

  it("ndjson() writes one compact JSON value per line", async () => {
    const res = await client.get("/out/lines");
    assert.equal(res.header("content-type"), "application/x-ndjson");
    assert.equal(res.text, '{"id":1}\n{"id":2,"name":"Zoë"}\n');
  });

  it("stream() takes a status, a media type and headers", async () => {
    const res = await client.get("/out/csv");
    assert.equal(res.status, 203);
    assert.equal(res.header("content-type"), "text/csv; charset=utf-8");
    assert.equal(res.header("x-rows"), "1");
    assert.equal(res.text, "a,b\n1,2\n");
  });

  it("HEAD on a streaming route sends the head and never runs the producer", async () => {
    const before = state.produced;
    const res = await client.head("/out/endless");
    assert.equal(res.status, 200);
    assert.equal(res.text, "");
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(state.produced, before);
  });
});

describe("streams over a real socket", () => {
  const logger = recordingLogger();
  const app = LaurenFactory.create(OutModule, { logger });
  let url = "";
  before(async () => {
    url = (await app.listen({ port: 0 })).url;
  });
  after(() => app.shutdown());

  it("pulls only as fast as the client reads, and stops the producer when the client leaves", async () => {
    const producedBefore = state.produced;
    const finalisedBefore = state.finalised;
    const req = request(`${url}/out/endless`, { agent: false });
    req.end();
    const [res] = (await once(req, "response")) as [import("node:http").IncomingMessage];
    assert.equal(res.headers["transfer-encoding"], "chunked");
    res.pause();
    // The client reads nothing: backpressure must hold the producer at a bounded number of chunks.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const produced = state.produced - producedBefore;
    assert.ok(produced < 200, `producer ran ahead of the client: ${produced} chunks of 64 KiB`);
    res.destroy();
    req.destroy();
    for (let i = 0; i < 100 && state.finalised === finalisedBefore; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(state.finalised, finalisedBefore + 1, "the generator's finally block ran");
  });

  it("a producer that throws midway cuts the connection and logs the error", async () => {
    await assert.rejects(send(`${url}/out/broken`));
    for (let i = 0; i < 50 && logger.entries.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(logger.entries.some((e) => e.level === "error" && e.message.includes("streamed response failed")));
  });
});

describe("compression", () => {
  const app = LaurenFactory.create(OutModule, { logger: false });
  const client = new TestClient(app);

  it("gzips a large JSON body when the client accepts gzip", async () => {
    const res = await client.get("/out/json", { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.header("content-encoding"), "gzip");
    assert.equal(res.header("vary"), "Accept-Encoding");
    assert.ok(res.body.length < 1000);
    assert.deepEqual(JSON.parse(gunzipSync(res.body).toString()), { words: "lauren ".repeat(400) });
  });

  it("prefers brotli, honours q=0, and sends identity when nothing matches", async () => {
    const br = await client.get("/out/json", { headers: { "accept-encoding": "gzip, br" } });
    assert.equal(br.header("content-encoding"), "br");
    const noBr = await client.get("/out/json", { headers: { "accept-encoding": "br;q=0, gzip;q=0.5" } });
    assert.equal(noBr.header("content-encoding"), "gzip");
    const none = await client.get("/out/json", { headers: { "accept-encoding": "identity" } });
    assert.equal(none.header("content-encoding"), undefined);
    assert.equal(none.json().words.length, 2800);
  });

  it("leaves small bodies and already-compressed media types alone", async () => {
    const small = await client.get("/out/small", { headers: { "accept-encoding": "gzip" } });
    assert.equal(small.header("content-encoding"), undefined);
    assert.equal(small.text, '{"tiny":true}');
    const png = await client.get("/out/png", { headers: { "accept-encoding": "gzip" } });
    assert.equal(png.header("content-encoding"), undefined);
    assert.equal(png.body.length, 4096);
  });

  it("compresses streams as they go", async () => {
    const res = await client.get("/out/lines-gz", { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.header("content-encoding"), "gzip");
    const text = gunzipSync(res.body).toString();
    assert.equal(text.split("\n").length, 51);
  });

  it("a route without compress never compresses", async () => {
    const res = await client.get("/out/text", { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.header("content-encoding"), undefined);
    assert.equal(res.header("vary"), undefined);
  });
});
