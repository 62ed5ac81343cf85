/**
 * Server-Sent Events over real HTTP: what happens when the client leaves, reads slowly, or
 * the app shuts down. A long-lived stream must never pin memory, listeners or the process.
 */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { connect } from "node:net";
import { describe, test } from "node:test";
import { controller, EventStream, get, LaurenFactory, module, ServerSentEvent } from "../../src/index.js";
import { collectGarbage, openStream, waitUntil } from "./helpers.js";

const counters = { started: 0, finished: 0, produced: 0 };
const producers: WeakRef<object>[] = [];
let tracking = false;

async function* ticker(): AsyncGenerator<ServerSentEvent> {
  counters.started++;
  try {
    for (let n = 0; ; n++) {
      yield new ServerSentEvent({ event: "tick", data: String(n) });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    counters.finished++;
  }
}

const BIG = "x".repeat(64 * 1024);

@controller("/live")
class LiveController {
  @get("/ticks")
  ticks() {
    const producer = ticker();
    if (tracking) producers.push(new WeakRef(producer));
    return new EventStream(producer);
  }

  @get("/stuck")
  stuck() {
    async function* produce() {
      yield "ready";
      // Waits for something that never comes, as a feed with no news would.
      await new Promise<never>(() => undefined);
    }
    return new EventStream(produce());
  }

  @get("/flood")
  flood() {
    async function* produce() {
      for (;;) {
        counters.produced++;
        yield BIG;
      }
    }
    return new EventStream(produce());
  }
}

@module({ controllers: [LiveController] })
class LiveModule {}

async function serve() {
  const app = LaurenFactory.create(LiveModule, { logger: false, shutdownTimeout: 5000 });
  const { port } = await app.listen({ port: 0 });
  return { app, port };
}

describe("SSE lifecycle", { timeout: 60_000 }, () => {
  test("when the client goes away the producer is stopped and its finally block runs", async () => {
    const { app, port } = await serve();
    try {
      const before = { ...counters };
      const stream = await openStream(port, "/live/ticks");
      await stream.until((t) => t.includes("data: 2\n\n"), "a few ticks arrive");
      assert.equal(counters.finished, before.finished, "the producer is still running while the client reads");
      stream.req.destroy();
      await waitUntil(() => counters.finished === before.finished + 1, "the producer's finally block ran");
      await waitUntil(() => app.parts.dispatcher.inFlight === 0, "the request is no longer in flight");
    } finally {
      await app.shutdown();
    }
  });

  test("a producer stuck waiting does not keep the request in flight once the client left", async () => {
    const { app, port } = await serve();
    try {
      const stream = await openStream(port, "/live/stuck");
      await stream.until((t) => t === "data: ready\n\n", "the first event arrives");
      assert.equal(app.parts.dispatcher.inFlight, 1);
      stream.req.destroy();
      await waitUntil(() => app.parts.dispatcher.inFlight === 0, "the stream is no longer in flight");
      const again = await openStream(port, "/live/stuck");
      await again.until((t) => t === "data: ready\n\n", "the first event arrives");
      await app.shutdown();
      assert.equal(await again.ended, true, "shutdown ends a stream whose producer is stuck");
    } finally {
      await app.shutdown();
    }
  });

  test("1,000 connect/abort cycles leave no listeners behind and let every producer be collected", async () => {
    const { app, port } = await serve();
    const signal = app.parts.dispatcher.shutdown.signal;
    try {
      tracking = true;
      producers.length = 0;
      const before = counters.finished;
      for (let i = 0; i < 1000; i++) {
        const stream = await openStream(port, "/live/ticks");
        await stream.until((t) => t.includes("data: 0\n\n"), "the first tick arrives");
        stream.req.destroy();
      }
      await waitUntil(() => counters.finished === before + 1000, "every producer finished", 20_000);
      await waitUntil(() => app.parts.dispatcher.inFlight === 0, "no stream is in flight", 20_000);
      assert.ok(getEventListeners(signal, "abort").length <= 1, "one shared shutdown listener at most, however many streams ran");
      tracking = false;
      await collectGarbage();
      const alive = producers.filter((ref) => ref.deref() !== undefined).length;
      assert.equal(producers.length, 1000);
      assert.ok(alive <= 5, `${alive} of 1000 finished producers are still reachable`);
    } finally {
      tracking = false;
      await app.shutdown();
    }
  });

  test("a client that stops reading makes the producer wait instead of the server buffering without bound", async () => {
    const { app, port } = await serve();
    const socket = connect(port, "127.0.0.1");
    try {
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      socket.pause();
      const before = counters.produced;
      socket.write("GET /live/flood HTTP/1.1\r\nhost: x\r\n\r\n");
      await waitUntil(() => counters.produced > before, "the producer starts");
      // Wait until production stalls: the count stops moving for a while.
      let last = -1;
      let still = 0;
      await waitUntil(
        () => {
          // Far past any socket buffer: no need to wait for memory to run out to know.
          if (counters.produced - before >= 1000) return true;
          still = counters.produced === last ? still + 1 : 0;
          last = counters.produced;
          return still >= 40;
        },
        "production stalls on the unread socket",
        20_000,
      );
      const produced = counters.produced - before;
      // 64 KiB events: an unbounded writer would pass 1,000 (64 MiB) in no time. What was
      // produced is bounded by the socket buffers (a few MiB), not by the producer's speed.
      assert.ok(produced < 1000, `the producer made ${produced} events for a client that reads nothing`);
    } finally {
      socket.destroy();
      await app.shutdown();
    }
  });

  test("shutdown ends open streams cleanly, stops their producers and waits for them", async () => {
    const { app, port } = await serve();
    const before = counters.finished;
    const streams = await Promise.all([openStream(port, "/live/ticks"), openStream(port, "/live/ticks")]);
    for (const stream of streams) await stream.until((t) => t.includes("data: 1\n\n"), "ticks arrive");
    await app.shutdown();
    for (const stream of streams) {
      assert.equal(await stream.ended, true, "the stream ends with a proper last chunk, not a reset");
      assert.match(stream.text(), /(event: tick\ndata: \d+\n\n)+$/, "it ends on a whole frame");
    }
    await waitUntil(() => counters.finished === before + 2, "both producers' finally blocks ran");
    assert.equal(app.parts.dispatcher.inFlight, 0);
  });
});
