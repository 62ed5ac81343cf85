import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Ctx,
  controller,
  get,
  inject,
  injectable,
  LaurenFactory,
  MissingProviderError,
  module,
  preDestruct,
  Scope,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { recordingLogger } from "../core/support.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("request-scoped controllers", () => {
  it("get a new instance per request, sharing the request's request-scoped providers", async () => {
    let serial = 0;
    @injectable({ scope: Scope.REQUEST })
    class CurrentCaller {
      readonly id = ++serial;
    }
    @injectable()
    class Roster {
      readonly built = ++serial;
    }
    @controller("/who", { scope: Scope.REQUEST })
    class WhoController {
      readonly caller = inject(CurrentCaller);
      readonly roster = inject(Roster);
      @get("/")
      who(ctx: Ctx) {
        return { caller: this.caller.id, shared: ctx.resolve(CurrentCaller) === this.caller, roster: this.roster.built };
      }
    }
    @module({ controllers: [WhoController], providers: [CurrentCaller, Roster] })
    class M {}
    const client = new TestClient(LaurenFactory.create(M, { logger: false }));
    const first = (await client.get("/who/")).json() as { caller: number; shared: boolean; roster: number };
    const second = (await client.get("/who/")).json() as { caller: number; shared: boolean; roster: number };
    assert.equal(first.shared, true);
    assert.notEqual(first.caller, second.caller);
    assert.equal(first.roster, second.roster, "singletons stay singletons");
  });

  it("can also be marked with @injectable({ scope: Scope.REQUEST })", async () => {
    let built = 0;
    @injectable({ scope: Scope.REQUEST })
    @controller("/count")
    class CountController {
      readonly n = ++built;
      @get("/")
      count() {
        return { n: this.n };
      }
    }
    @module({ controllers: [CountController] })
    class M {}
    const app = LaurenFactory.create(M, { logger: false });
    assert.equal(built, 0, "not built at start-up");
    const client = new TestClient(app);
    assert.deepEqual((await client.get("/count/")).json(), { n: 1 });
    assert.deepEqual((await client.get("/count/")).json(), { n: 2 });
  });

  it("a missing dependency of a request-scoped controller is a 500 with the MissingProviderError logged", async () => {
    @injectable()
    class Unlisted {}
    @controller("/broken", { scope: Scope.REQUEST })
    class Broken {
      readonly dep = inject(Unlisted);
      @get("/")
      read() {
        return {};
      }
    }
    @module({ controllers: [Broken] })
    class M {}
    const logger = recordingLogger();
    const res = await new TestClient(LaurenFactory.create(M, { logger })).get("/broken/");
    assert.equal(res.status, 500);
    assert.ok(logger.entries.some((e) => e.fields?.error instanceof MissingProviderError));
  });
});

describe("teardown of request-scoped instances", () => {
  it("runs @preDestruct of the controller and its request-scoped providers after the response, dependants first", async () => {
    const events: string[] = [];
    @injectable({ scope: Scope.REQUEST })
    class Transaction {
      @preDestruct
      async close() {
        await Promise.resolve();
        events.push("transaction closed");
      }
    }
    @controller("/tx", { scope: Scope.REQUEST })
    class TxController {
      readonly tx = inject(Transaction);
      @get("/")
      run() {
        events.push("handler");
        return { ok: true };
      }
      @preDestruct
      done() {
        events.push("controller done");
      }
    }
    @module({ controllers: [TxController], providers: [Transaction] })
    class M {}
    const res = await new TestClient(LaurenFactory.create(M, { logger: false })).get("/tx/");
    assert.equal(res.status, 200);
    assert.deepEqual(events, ["handler", "controller done", "transaction closed"]);
  });

  it("covers providers resolved with ctx.resolve() in singleton controllers, also when the handler throws", async () => {
    const closed: number[] = [];
    let serial = 0;
    @injectable({ scope: Scope.REQUEST })
    class Scratch {
      readonly id = ++serial;
      @preDestruct
      close() {
        closed.push(this.id);
      }
    }
    @controller("/scratch")
    class ScratchController {
      @get("/ok")
      ok(ctx: Ctx) {
        return { id: ctx.resolve(Scratch).id };
      }
      @get("/boom")
      boom(ctx: Ctx) {
        ctx.resolve(Scratch);
        throw new Error("boom");
      }
    }
    @module({ controllers: [ScratchController], providers: [Scratch] })
    class M {}
    const client = new TestClient(LaurenFactory.create(M, { logger: false }));
    assert.equal((await client.get("/scratch/ok")).status, 200);
    assert.equal((await client.get("/scratch/boom")).status, 500);
    assert.deepEqual(closed, [1, 2]);
  });

  it("never holds up the response, and waits for the request's background tasks", async () => {
    const events: string[] = [];
    const release = deferred();
    @injectable({ scope: Scope.REQUEST })
    class Connection {
      @preDestruct
      async close() {
        events.push("teardown started");
        await release.promise;
        events.push("teardown finished");
      }
    }
    @controller("/slow")
    class SlowController {
      @get("/")
      handle(ctx: Ctx) {
        ctx.resolve(Connection);
        ctx.tasks.add(() => {
          events.push("task");
        });
        return { ok: true };
      }
    }
    @module({ controllers: [SlowController], providers: [Connection] })
    class M {}
    const app = LaurenFactory.create(M, { logger: false });
    const { url } = await app.listen({ port: 0 });
    try {
      const res = await fetch(`${url}/slow/`);
      assert.deepEqual(await res.json(), { ok: true });
      // The response is complete while teardown is still waiting.
      while (!events.includes("teardown started")) await new Promise((r) => setImmediate(r));
      assert.deepEqual(events, ["task", "teardown started"]);
    } finally {
      release.resolve();
      await app.shutdown();
    }
    assert.deepEqual(events, ["task", "teardown started", "teardown finished"], "shutdown waits for teardown");
  });

  it("logs a failing hook and still runs the others", async () => {
    const ran: string[] = [];
    @injectable({ scope: Scope.REQUEST })
    class Flaky {
      @preDestruct
      fail() {
        throw new Error("cannot close");
      }
    }
    @controller("/flaky", { scope: Scope.REQUEST })
    class FlakyController {
      readonly flaky = inject(Flaky);
      @get("/")
      ok() {
        return { ok: true };
      }
      @preDestruct
      after() {
        ran.push("controller");
      }
    }
    @module({ controllers: [FlakyController], providers: [Flaky] })
    class M {}
    const logger = recordingLogger();
    const res = await new TestClient(LaurenFactory.create(M, { logger })).get("/flaky/");
    assert.equal(res.status, 200);
    assert.deepEqual(ran, ["controller"]);
    const failure = logger.entries.find((e) => e.level === "error");
    assert.ok(failure !== undefined);
    assert.match(failure.message, /Flaky\.fail \(@preDestruct\) failed/);
    assert.match(String(failure.fields?.error), /cannot close/);
  });
});
