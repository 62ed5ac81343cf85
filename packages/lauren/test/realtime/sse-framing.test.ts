/**
 * Server-Sent Events: the exact bytes and headers of a stream, in process (TestClient) and
 * over real HTTP, for every kind of item a producer may yield.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Ctx, controller, EventStream, get, LaurenFactory, module, ServerSentEvent } from "../../src/index.js";
import { formatEvent } from "../../src/realtime/index.js";
import { TestClient } from "../../src/testing/index.js";
import { openStream, recordingLogger, waitUntil } from "./helpers.js";

const SECRET = "sse-framing-test-secret-32-bytes-long!!";

let released: (() => void) | null = null;
const probes = { headStarted: 0, unframeableClosed: 0 };

@controller("/sse")
class StreamController {
  @get("/events")
  events() {
    async function* produce() {
      yield new ServerSentEvent({ event: "status", data: "all quiet" });
      yield new ServerSentEvent({ id: 7, retry: 1500, data: "line one\nline two" });
      yield new ServerSentEvent({ comment: "just a marker" });
      yield "plain text";
      yield { hero: "Volt", level: 9 };
      yield [1, 2];
    }
    return new EventStream(produce());
  }

  @get("/sync")
  sync() {
    return new EventStream(["a", new ServerSentEvent({ event: "end", data: { done: true } })]);
  }

  @get("/custom")
  custom() {
    return new EventStream(["x"], { status: 201, headers: { "cache-control": "no-store", "x-feed": "hq" } });
  }

  @get("/session")
  withSession({ session }: Ctx) {
    session.set("seen_feed", true);
    return new EventStream(["hello"]);
  }

  @get("/fails")
  fails() {
    async function* produce() {
      yield "before";
      throw new Error("sector 4 exploded");
    }
    return new EventStream(produce());
  }

  @get("/unframeable")
  unframeable() {
    async function* produce() {
      try {
        yield "ok";
        yield { count: 1n };
        yield "never sent";
      } finally {
        probes.unframeableClosed++;
      }
    }
    return new EventStream(produce());
  }

  @get("/head")
  head() {
    async function* produce() {
      probes.headStarted++;
      yield "never read by HEAD";
    }
    return new EventStream(produce());
  }

  @get("/keepalive")
  keepAlive() {
    async function* produce() {
      yield "first";
      await new Promise<void>((resolve) => {
        released = resolve;
      });
      yield "second";
    }
    return new EventStream(produce(), { keepAlive: 20, keepAliveComment: "still here" });
  }
}

@module({ controllers: [StreamController] })
class StreamModule {}

function makeApp(logger = recordingLogger()) {
  return LaurenFactory.create(StreamModule, { logger, sessions: { secret: SECRET, secure: false } });
}

describe("SSE framing", () => {
  test("each kind of event is framed with LF line endings, multi-line data split, fields in a fixed order", () => {
    assert.equal(formatEvent({ event: "status", data: "ok" }), "event: status\ndata: ok\n\n");
    assert.equal(formatEvent({ comment: "c", event: "e", id: "1", retry: 10, data: "d" }), ": c\nevent: e\nid: 1\nretry: 10\ndata: d\n\n");
    assert.equal(formatEvent({ data: "a\r\nb\nc" }), "data: a\ndata: b\ndata: c\n\n");
    assert.equal(formatEvent({ data: "" }), "data: \n\n");
    assert.equal(formatEvent({ data: { a: [1, "x"] } }), 'data: {"a":[1,"x"]}\n\n');
    assert.equal(formatEvent({ comment: "ping" }), ": ping\n\n");
  });

  test("line breaks cannot inject fields through event or id, and invalid retry values are dropped", () => {
    assert.equal(formatEvent({ event: "a\ndata: evil", data: "x" }), "event: a data: evil\ndata: x\n\n");
    assert.equal(formatEvent({ id: "1\nretry: 0", data: "x" }), "id: 1retry: 0\ndata: x\n\n");
    assert.equal(formatEvent({ retry: -5, data: "x" }), "data: x\n\n");
    assert.equal(formatEvent({ retry: 1.5, data: "x" }), "data: x\n\n");
  });

  test("a stream answers with the SSE headers and one frame per yielded item", async () => {
    const res = await new TestClient(makeApp()).get("/sse/events");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(res.header("cache-control"), "no-cache");
    assert.equal(res.header("connection"), "keep-alive");
    assert.equal(res.header("x-accel-buffering"), "no");
    assert.equal(res.header("content-length"), undefined);
    assert.equal(
      res.text,
      "event: status\ndata: all quiet\n\n" +
        "id: 7\nretry: 1500\ndata: line one\ndata: line two\n\n" +
        ": just a marker\n\n" +
        "data: plain text\n\n" +
        'data: {"hero":"Volt","level":9}\n\n' +
        "data: [1,2]\n\n",
    );
  });

  test("a plain array works as a producer", async () => {
    const res = await new TestClient(makeApp()).get("/sse/sync");
    assert.equal(res.text, 'data: a\n\nevent: end\ndata: {"done":true}\n\n');
  });

  test("status and extra headers can be set, and a header given replaces the SSE default", async () => {
    const res = await new TestClient(makeApp()).get("/sse/custom");
    assert.equal(res.status, 201);
    assert.equal(res.header("cache-control"), "no-store");
    assert.equal(res.header("x-feed"), "hq");
    assert.equal(res.header("content-type"), "text/event-stream; charset=utf-8");
  });

  test("a session written before the stream starts is persisted and its cookie sent with the headers", async () => {
    const app = makeApp();
    const client = new TestClient(app, { cookieJar: true });
    const res = await client.get("/sse/session");
    const cookie = res.cookie("lauren_session");
    assert.ok(cookie !== undefined && cookie.value !== "", "the stream's response carries the session cookie");
    assert.equal(res.text, "data: hello\n\n");
  });

  test("a producer that throws mid-stream is logged and the stream ends after the frames already sent", async () => {
    const logger = recordingLogger();
    const res = await new TestClient(makeApp(logger)).get("/sse/fails");
    assert.equal(res.status, 200);
    assert.equal(res.text, "data: before\n\n");
    const entry = logger.entries.find((e) => e.level === "error");
    assert.ok(entry !== undefined, "the failure is logged");
    assert.match(entry.message, /event stream producer failed/);
    assert.equal((entry.fields?.error as Error | undefined)?.message, "sector 4 exploded");
  });

  test("an event that cannot be serialised ends the stream, is logged, and the producer is closed", async () => {
    const logger = recordingLogger();
    const res = await new TestClient(makeApp(logger)).get("/sse/unframeable");
    assert.equal(res.text, "data: ok\n\n");
    assert.equal(probes.unframeableClosed, 1, "the producer's finally block ran");
    assert.ok(logger.entries.some((e) => e.level === "error" && /event stream producer failed/.test(e.message)));
  });

  test("HEAD gets the SSE headers and no body, and the producer is never started", async () => {
    const res = await new TestClient(makeApp()).head("/sse/head");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(res.text, "");
    assert.equal(probes.headStarted, 0);
    const get = await new TestClient(makeApp()).get("/sse/head");
    assert.equal(get.text, "data: never read by HEAD\n\n");
    assert.equal(probes.headStarted, 1);
  });

  test("over real HTTP each event arrives as soon as it is produced, and keep-alive comments fill the silence", async () => {
    const app = makeApp();
    const { port } = await app.listen({ port: 0 });
    try {
      const stream = await openStream(port, "/sse/keepalive");
      assert.equal(stream.res.headers["content-type"], "text/event-stream; charset=utf-8");
      assert.equal(stream.res.headers["transfer-encoding"], "chunked");
      // The first event is readable while the producer is still waiting for the second.
      await stream.until((t) => t.startsWith("data: first\n\n"), "the first event arrives");
      await stream.until((t) => t.includes(": still here\n\n"), "a keep-alive comment arrives");
      await waitUntil(() => released !== null, "the producer waits");
      released?.();
      assert.equal(await stream.ended, true);
      assert.match(stream.text(), /^data: first\n\n(: still here\n\n)+data: second\n\n$/);
    } finally {
      await app.shutdown();
    }
  });

  test("an EventStream refuses things that are not iterable and a keepAlive that is not positive", () => {
    assert.throws(() => new EventStream(42 as never), TypeError);
    assert.throws(() => new EventStream("abc" as never), TypeError);
    assert.throws(() => new EventStream([], { keepAlive: 0 }), TypeError);
  });
});
