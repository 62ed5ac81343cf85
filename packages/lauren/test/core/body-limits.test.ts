import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { type Ctx, controller, get, type LaurenApplication, LaurenFactory, module, post, type StandardSchemaV1 } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { type RawResponse, send } from "./support.js";

const Anything: StandardSchemaV1<unknown, unknown> = {
  "~standard": { version: 1, vendor: "test", validate: (value) => ({ value }) },
};

@controller("/")
class UploadController {
  @post("/echo", { body: Anything })
  echo({ body }: Ctx<{ body: typeof Anything }>) {
    return { bytes: JSON.stringify(body).length };
  }

  @get("/ping")
  ping() {
    return { pong: true };
  }
}

@module({ controllers: [UploadController] })
class UploadModule {}

/** A JSON document of exactly `size` bytes: {"pad":"xxx…"}. */
function jsonOfSize(size: number): string {
  return `{"pad":"${"x".repeat(size - 10)}"}`;
}

const LIMIT = 1024;
const tooLarge = (limit: number) =>
  `{"error":{"code":"request_body_too_large","message":"body exceeds ${limit} bytes","detail":{"max_body_size":${limit}}}}`;

/**
 * Writes `bytes` to a fresh TCP connection and collects everything the server sends until it
 * closes. Write errors are ignored: a server may close before taking the whole upload, and
 * what it answered before closing is still delivered.
 */
function rawExchange(url: string, bytes: Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("connection still open after 10 s"));
    }, 10_000);
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received).toString("utf8"));
    });
    socket.write(bytes, () => undefined);
  });
}

/**
 * Sends headers, then `chunks` one at a time, and ends the request only when `end` is set;
 * resolves with the response (which may arrive while the body is still open).
 */
function stream(url: string, headers: Record<string, string | number>, chunks: readonly Buffer[], end: boolean): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/echo`, { method: "POST", headers: { "content-type": "application/json", ...headers }, agent: false });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error("no response within 10 s"));
    }, 10_000);
    req.on("response", (res) => {
      const parts: Buffer[] = [];
      res.on("data", (chunk: Buffer) => parts.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString("utf8") });
      });
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.flushHeaders();
    (async () => {
      for (const chunk of chunks) await new Promise<void>((done) => req.write(chunk, () => done()));
      if (end) req.end();
    })().catch(reject);
  });
}

describe("request body limit (in process)", () => {
  const client = new TestClient(LaurenFactory.create(UploadModule, { logger: false, maxBodySize: LIMIT }));

  it("accepts a body of exactly maxBodySize bytes", async () => {
    const res = await client.post("/echo", { body: jsonOfSize(LIMIT), headers: { "content-type": "application/json" } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { bytes: LIMIT });
  });

  it("answers one byte more with 413 request_body_too_large and the limit in detail", async () => {
    const res = await client.post("/echo", { body: jsonOfSize(LIMIT + 1), headers: { "content-type": "application/json" } });
    assert.equal(res.status, 413);
    assert.equal(res.text, tooLarge(LIMIT));
  });

  it("defaults to 1 MiB", async () => {
    const defaults = new TestClient(LaurenFactory.create(UploadModule, { logger: false }));
    const mib = 1024 * 1024;
    const ok = await defaults.post("/echo", { body: jsonOfSize(mib), headers: { "content-type": "application/json" } });
    assert.equal(ok.status, 200);
    const over = await defaults.post("/echo", { body: jsonOfSize(mib + 1), headers: { "content-type": "application/json" } });
    assert.equal(over.status, 413);
    assert.equal(over.text, tooLarge(mib));
  });
});

describe("request body limit (over a real socket)", () => {
  let app: LaurenApplication;
  let url: string;

  before(async () => {
    app = LaurenFactory.create(UploadModule, { logger: false, maxBodySize: LIMIT });
    ({ url } = await app.listen({ port: 0, host: "127.0.0.1" }));
  });
  after(() => app.close());

  it("rejects a declared Content-Length over the limit before reading the body", async () => {
    // Only the headers are sent: the answer cannot depend on reading the body.
    const res = await stream(url, { "content-length": 10 * 1024 * 1024 }, [], false);
    assert.equal(res.status, 413);
    assert.equal(res.text, tooLarge(LIMIT));
    assert.equal(res.headers.connection, "close");
  });

  it("rejects a chunked body while it streams, as soon as it passes the limit", async () => {
    const half = Buffer.from(jsonOfSize(LIMIT + 1));
    const chunks = [half.subarray(0, 512), half.subarray(512, 1024), half.subarray(1024)];
    // The request is never ended: the 413 has to come from counting the streamed bytes.
    const res = await stream(url, {}, chunks, false);
    assert.equal(res.status, 413);
    assert.equal(res.text, tooLarge(LIMIT));
  });

  it("accepts a chunked body of exactly the limit", async () => {
    const body = Buffer.from(jsonOfSize(LIMIT));
    const res = await stream(url, {}, [body.subarray(0, 300), body.subarray(300)], true);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { bytes: LIMIT });
  });

  it("keeps answering after refusing a 10 MB body", async () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 0x20);
    const head = `POST /echo HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const answer = await rawExchange(url, Buffer.concat([Buffer.from(head), body]));
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.ok(answer.endsWith(tooLarge(LIMIT)), answer);
    const next = await send(`${url}/ping`);
    assert.equal(next.status, 200);
    assert.deepEqual(JSON.parse(next.text), { pong: true });
  });
});
