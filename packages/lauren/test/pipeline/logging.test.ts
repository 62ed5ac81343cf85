/** Levelled console/JSON loggers, LAUREN_LOG_* parsing, pino as the logger, the request line and app events. */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { pino } from "pino";
import {
  ConfigurationError,
  controller,
  createLogger,
  get,
  LaurenFactory,
  type LaurenOptions,
  type LogSink,
  loggerFromEnv,
  module,
  post,
  type RequestEvent,
  requestId,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

function sink(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line) };
}

@controller("/t")
class T {
  @get("/")
  ok() {
    return { ok: true };
  }
  @get("/boom")
  boom(): never {
    throw new Error("kaput");
  }
  @post("/later")
  later(ctx: import("../../src/index.js").Ctx) {
    ctx.tasks.add(async function sendMail() {
      throw new Error("smtp down");
    });
    return { queued: true };
  }
}

@module({ controllers: [T] })
class AppModule {}

describe("createLogger()", () => {
  it("writes one JSON object a line, with level, time, msg and the fields", () => {
    const out = sink();
    const log = createLogger({ format: "json", sink: out, fields: { service: "hq" } });
    log.info("hello", { n: 1 });
    log.error("failed", { error: new Error("boom") });
    const [first, second] = out.lines.map((l) => JSON.parse(l));
    assert.equal(first.level, "info");
    assert.equal(first.msg, "hello");
    assert.equal(first.n, 1);
    assert.equal(first.service, "hq");
    assert.ok(!Number.isNaN(Date.parse(first.time)));
    assert.equal(second.error.message, "boom");
    assert.match(second.error.stack, /Error: boom/);
  });

  it("drops lines below its level", () => {
    const out = sink();
    const log = createLogger({ level: "warn", sink: out });
    log.debug?.("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    assert.deepEqual(out.lines, ["[lauren] warn w\n", "[lauren] error e\n"]);
  });

  it("reads LAUREN_LOG_LEVEL and LAUREN_LOG_FORMAT, refusing unknown values", () => {
    assert.equal(typeof loggerFromEnv({ LAUREN_LOG_LEVEL: "debug", LAUREN_LOG_FORMAT: "json" }).info, "function");
    assert.throws(() => loggerFromEnv({ LAUREN_LOG_LEVEL: "loud" }), ConfigurationError);
    assert.throws(() => loggerFromEnv({ LAUREN_LOG_FORMAT: "xml" }), ConfigurationError);
  });
});

describe("request logging", () => {
  function app(options: LaurenOptions) {
    return new TestClient(LaurenFactory.create(AppModule, options));
  }

  it("logs one JSON line per request with level, msg, reqId, method, path, status and durationMs", async () => {
    const out = sink();
    const c = app({ logger: createLogger({ format: "json", sink: out }), logRequests: true, middleware: [requestId()] });
    await c.get("/t/?x=1", { headers: { "x-request-id": "r-1" } });
    await c.get("/missing");
    await c.get("/t/boom");
    const lines = out.lines.map((l) => JSON.parse(l));
    const requests = lines.filter((l) => l.msg === "request completed");
    assert.equal(requests.length, 3);
    assert.deepEqual(
      requests.map((l) => [l.level, l.method, l.path, l.status]),
      [
        ["info", "GET", "/t/", 200],
        ["warn", "GET", "/missing", 404],
        ["error", "GET", "/t/boom", 500],
      ],
    );
    assert.equal(requests[0].reqId, "r-1");
    for (const l of requests) {
      assert.equal(typeof l.durationMs, "number");
      assert.equal(typeof l.reqId, "string");
    }
    const crash = lines.find((l) => l.msg.startsWith("unhandled error"));
    assert.equal(crash.reqId, requests[2].reqId, "the error line carries the request's id too");
  });

  it("stays quiet about requests unless logRequests is on", async () => {
    const out = sink();
    await app({ logger: createLogger({ format: "json", sink: out }) }).get("/t/");
    assert.deepEqual(out.lines, []);
  });

  it("accepts a pino instance as it is", async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    const c = app({ logger: pino({ level: "info" }, stream), logRequests: true, middleware: [requestId()] });
    await c.get("/t/", { headers: { "x-request-id": "p-9" } });
    await c.get("/t/boom");
    await new Promise((resolve) => setImmediate(resolve));
    const lines = chunks
      .join("")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const first = lines.find((l) => l.msg === "request completed");
    assert.equal(first.reqId, "p-9");
    assert.equal(first.status, 200);
    assert.equal(first.level, 30, "pino's own numeric level");
    const crash = lines.find((l) => String(l.msg).startsWith("unhandled error"));
    assert.equal(crash.err.message, "kaput", "errors go under err for pino's serializer");
  });
});

describe("app events", () => {
  it("emits startup, request (status, duration), task started/failed, and shutdown", async () => {
    const app = LaurenFactory.create(AppModule, { logger: false, middleware: [requestId()] });
    const seen: string[] = [];
    const requests: RequestEvent[] = [];
    app.events.on("startup", () => seen.push("startup"));
    app.events.on("shutdown", () => seen.push("shutdown"));
    app.events.on("request", (e) => requests.push(e));
    app.events.on("taskStarted", (e) => seen.push(`started ${e.task}`));
    app.events.on("taskFailed", (e) => seen.push(`failed ${e.task}: ${(e.error as Error).message}`));
    const c = new TestClient(app);
    await c.get("/t/");
    await c.post("/t/later");
    await app.shutdown();
    assert.deepEqual(seen, ["startup", "started sendMail", "failed sendMail: smtp down", "shutdown"]);
    assert.deepEqual(
      requests.map((r) => [r.method, r.path, r.route, r.status]),
      [
        ["GET", "/t/", "/t", 200],
        ["POST", "/t/later", "/t/later", 200],
      ],
    );
    assert.ok(requests.every((r) => r.durationMs >= 0 && typeof r.reqId === "string"));
  });

  it("a failing listener is logged and the others still run", async () => {
    const out = sink();
    const app = LaurenFactory.create(AppModule, { logger: createLogger({ format: "json", sink: out }) });
    let ran = false;
    app.events.on("request", () => {
      throw new Error("listener bug");
    });
    const off = app.events.on("request", () => {
      ran = true;
    });
    const r = await new TestClient(app).get("/t/");
    assert.equal(r.status, 200);
    assert.ok(ran);
    assert.ok(out.lines.some((l) => JSON.parse(l).msg.includes("listener failed")));
    off();
  });
});
