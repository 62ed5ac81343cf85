/**
 * Graceful shutdown over real HTTP: what a client sees while the app drains. "Slow" work
 * waits on promises the test settles, so nothing here depends on how fast the machine is.
 */
import assert from "node:assert/strict";
import { get as httpGet, type IncomingMessage } from "node:http";
import { describe, test } from "node:test";
import { type Ctx, controller, get, inject, injectable, LaurenFactory, module, preDestruct } from "../../src/index.js";
import { type Deferred, deferred, RawConnection, recordingLogger, settle, tryConnect } from "./helpers.js";

/** The test's hands on the app: gates that hold requests and tasks, and what happened when. */
class Backstage {
  readonly events: string[] = [];
  readonly #gates = new Map<string, Deferred>();
  readonly #arrived = new Map<string, Deferred>();

  /** Settled by the test to let `name` finish. */
  gate(name: string): Deferred {
    return once(this.#gates, name);
  }

  /** Settled by the app when `name` has reached the handler. */
  arrived(name: string): Deferred {
    return once(this.#arrived, name);
  }
}

function once(map: Map<string, Deferred>, name: string): Deferred {
  const existing = map.get(name);
  if (existing !== undefined) return existing;
  const created = deferred();
  map.set(name, created);
  return created;
}

function drainApp(shutdownTimeout = 5_000) {
  const backstage = new Backstage();

  @injectable()
  class Grid {
    @preDestruct
    down() {
      backstage.events.push("preDestruct");
    }
  }

  @controller("/work")
  class WorkController {
    readonly grid = inject(Grid);

    @get("/hold/{name}")
    async hold({ params }: Ctx) {
      const name = params.name as string;
      backstage.arrived(name).resolve();
      await backstage.gate(name).promise;
      backstage.events.push(`response ${name}`);
      return { done: name };
    }

    @get("/quick")
    quick() {
      return { quick: true };
    }

    @get("/later", { status: 202 })
    later({ tasks }: Ctx) {
      tasks.add(async () => {
        await backstage.gate("task").promise;
        backstage.events.push("task finished");
      });
      return { queued: true };
    }
  }

  @module({ controllers: [WorkController], providers: [Grid] })
  class WorkModule {}

  const log = recordingLogger();
  const app = LaurenFactory.create(WorkModule, { logger: log.logger, shutdownTimeout });
  return { app, backstage, log };
}

function fetchJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    httpGet({ host: "127.0.0.1", port, path, agent: false }, (res: IncomingMessage) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

describe("graceful shutdown", { timeout: 15_000 }, () => {
  test("an in-flight request finishes while new connections are refused", async () => {
    const { app, backstage } = drainApp();
    const { port } = await app.listen({ port: 0 });
    const inFlight = fetchJson(port, "/work/hold/a");
    await backstage.arrived("a").promise;

    let stopped = false;
    const stopping = app.shutdown().then(() => (stopped = true));
    assert.equal(await tryConnect(port), "ECONNREFUSED", "the listener closes at once");
    await settle();
    assert.equal(stopped, false, "shutdown waits for the request");
    assert.deepEqual(backstage.events, [], "pre-destruct waits for the request");

    backstage.gate("a").resolve();
    assert.deepEqual(await inFlight, { status: 200, body: { done: "a" } });
    await stopping;
    assert.deepEqual(backstage.events, ["response a", "preDestruct"]);
    assert.equal(await tryConnect(port), "ECONNREFUSED");
  });

  test("a request on a kept-alive socket during the drain gets 503 with connection: close", async () => {
    const { app, backstage } = drainApp();
    const { port } = await app.listen({ port: 0 });
    const keeper = await RawConnection.open(port);
    const reused = await RawConnection.open(port);
    keeper.send("GET", "/work/hold/keeper"); // keeps the drain going until the end of the test
    reused.send("GET", "/work/hold/reused");
    await Promise.all([backstage.arrived("keeper").promise, backstage.arrived("reused").promise]);

    const stopping = app.shutdown();
    backstage.gate("reused").resolve();
    const first = await reused.response();
    assert.equal(first.status, 200, "the request that was in flight completes normally");
    assert.equal(first.headers.connection, "keep-alive");

    reused.send("GET", "/work/quick"); // the client reuses its socket, as keep-alive allows
    const refused = await reused.response();
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.connection, "close");
    assert.equal(refused.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(refused.body), {
      error: { code: "service_unavailable", message: "server is shutting down", detail: {} },
    });
    await reused.closed; // and the server hangs up after answering

    backstage.gate("keeper").resolve();
    assert.equal((await keeper.response()).status, 200);
    await stopping;
  });

  test("shutdown waits for background tasks before running pre-destruct hooks", async () => {
    const { app, backstage } = drainApp();
    const { port } = await app.listen({ port: 0 });
    assert.deepEqual(await fetchJson(port, "/work/later"), { status: 202, body: { queued: true } });

    let stopped = false;
    const stopping = app.shutdown().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false, "a queued task holds the shutdown");
    backstage.gate("task").resolve();
    await stopping;
    assert.deepEqual(backstage.events, ["task finished", "preDestruct"]);
  });

  test("the drain gives up after shutdownTimeout on a request that never ends", async () => {
    const { app, backstage, log } = drainApp(100);
    const { port } = await app.listen({ port: 0 });
    const neverEnding = fetchJson(port, "/work/hold/forever").then(
      () => "answered",
      (err: NodeJS.ErrnoException) => err.code ?? err.message,
    );
    await backstage.arrived("forever").promise;

    await app.shutdown();
    assert.deepEqual(log.warnings(), ["shutdown: requests or tasks still running after 100 ms; closing anyway"]);
    assert.deepEqual(backstage.events, ["preDestruct"], "teardown ran without the request");
    assert.equal(await neverEnding, "ECONNRESET", "the stuck connection is cut");
  });
});
