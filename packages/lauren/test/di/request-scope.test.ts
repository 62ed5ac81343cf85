import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CircularDependencyError,
  type Ctx,
  controller,
  type Guard,
  get,
  inject,
  injectable,
  LaurenFactory,
  MissingProviderError,
  module,
  preDestruct,
  Scope,
  Token,
  useGuards,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { recordingLogger } from "../core/support.js";
import { throwsStartup } from "./helpers.js";

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
    const client = new TestClient(LaurenFactory.create(M, { logger: false }));
    const first = (await client.get("/count/")).json() as { n: number };
    const second = (await client.get("/count/")).json() as { n: number };
    assert.deepEqual([first.n, second.n], [built - 1, built], "a new instance for each request");
  });
});

describe("what is built per request is checked at start-up", () => {
  @injectable()
  class Unlisted {}

  it("a request-scoped controller asking for a missing provider fails create(), naming the class and the fix", () => {
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
    throwsStartup(
      () => LaurenFactory.create(M, { logger: false }),
      MissingProviderError,
      /^Broken \(in M\) asks for Unlisted, but nothing provides it\. Add Unlisted to M's providers/,
      /dry run of the request-scoped controller Broken, which is built per request/,
    );
  });

  it("so does a mistake deeper down, in a request-scoped provider the controller injects", () => {
    @injectable({ scope: Scope.REQUEST })
    class Transaction {
      readonly dep = inject(Unlisted);
    }
    @controller("/tx", { scope: Scope.REQUEST })
    class TxController {
      readonly tx = inject(Transaction);
      @get("/")
      read() {
        return {};
      }
    }
    @module({ controllers: [TxController], providers: [Transaction] })
    class M {}
    throwsStartup(
      () => LaurenFactory.create(M, { logger: false }),
      MissingProviderError,
      /^Transaction \(in M\) asks for Unlisted/,
      /dry run of the request-scoped provider Transaction \(provided by M\)/,
    );
  });

  it("request-scoped providers only resolved in handlers, and request-scoped guards, are checked too", () => {
    @injectable({ scope: Scope.REQUEST })
    class Audit {
      readonly dep = inject(Unlisted);
    }
    @controller("/audit")
    class AuditController {
      @get("/")
      read(ctx: Ctx) {
        return { audit: ctx.resolve(Audit) !== undefined };
      }
    }
    @module({ controllers: [AuditController], providers: [Audit] })
    class ProviderModule {}
    throwsStartup(
      () => LaurenFactory.create(ProviderModule, { logger: false }),
      MissingProviderError,
      /^Audit \(in ProviderModule\) asks for Unlisted/,
      /dry run of the request-scoped provider Audit \(provided by ProviderModule\)/,
    );

    @injectable({ scope: Scope.REQUEST })
    class PerRequestGuard implements Guard {
      readonly dep = inject(Unlisted);
      canActivate() {
        return true;
      }
    }
    @controller("/guarded")
    @useGuards(PerRequestGuard)
    class GuardedController {
      @get("/")
      read() {
        return {};
      }
    }
    @module({ controllers: [GuardedController] })
    class GuardModule {}
    throwsStartup(
      () => LaurenFactory.create(GuardModule, { logger: false }),
      MissingProviderError,
      /^PerRequestGuard \(in GuardModule\) asks for Unlisted/,
      /dry run of the request-scoped guard PerRequestGuard/,
    );
  });

  it("a cycle among request-scoped providers fails create() with the chain", () => {
    @injectable({ scope: Scope.REQUEST })
    class Alpha {
      readonly beta: unknown = inject(Beta);
    }
    @injectable({ scope: Scope.REQUEST })
    class Beta {
      readonly alpha: unknown = inject(Alpha);
    }
    @controller("/cycle", { scope: Scope.REQUEST })
    class CycleController {
      readonly alpha = inject(Alpha);
      @get("/")
      read() {
        return {};
      }
    }
    @module({ controllers: [CycleController], providers: [Alpha, Beta] })
    class M {}
    throwsStartup(() => LaurenFactory.create(M, { logger: false }), CircularDependencyError, /Circular dependency: Alpha → Beta → Alpha/);
  });

  it("the dry run touches no real service, runs no hook, and hands plain configuration over as it is", async () => {
    const calls: string[] = [];
    const FEATURES = new Token<{ metrics: boolean; greeting: string }>("FEATURES");
    const METRICS = new Token<{ count(): void }>("METRICS");
    @injectable()
    class Pool {
      connect() {
        calls.push("connect");
        return { id: calls.length };
      }
    }
    @injectable({ scope: Scope.REQUEST })
    class Transaction {
      readonly client = inject(Pool).connect();
      @preDestruct
      release() {
        calls.push("release");
      }
    }
    @controller("/work", { scope: Scope.REQUEST })
    class WorkController {
      readonly tx = inject(Transaction);
      // Taken only when the configuration says so: the dry run sees the real flag.
      readonly metrics = inject(FEATURES).metrics ? inject(METRICS) : null;
      readonly greeting = inject(FEATURES).greeting.toUpperCase();
      // Code of the class's own that cannot work on stand-ins proves nothing about wiring.
      readonly parsed = JSON.parse(JSON.stringify({ client: this.tx.client.id })) as { client: number };
      @get("/")
      work() {
        return { client: this.parsed.client, greeting: this.greeting, metrics: this.metrics === null };
      }
    }
    @module({
      controllers: [WorkController],
      providers: [Pool, Transaction, { provide: FEATURES, useValue: { metrics: false, greeting: "hi" } }],
    })
    class M {}
    const app = LaurenFactory.create(M, { logger: false });
    assert.deepEqual(calls, [], "no connection taken, no hook run at start-up");
    const res = await new TestClient(app).get("/work/");
    assert.deepEqual(res.json(), { client: 1, greeting: "HI", metrics: true });
    await app.shutdown();
    assert.deepEqual(calls, ["connect", "release"]);
  });

  it("an optional dependency that is missing is fine, as it is per request", async () => {
    @controller("/maybe", { scope: Scope.REQUEST })
    class MaybeController {
      readonly dep = inject(Unlisted, { optional: true });
      @get("/")
      read() {
        return { present: this.dep !== undefined };
      }
    }
    @module({ controllers: [MaybeController] })
    class M {}
    assert.deepEqual((await new TestClient(LaurenFactory.create(M, { logger: false })).get("/maybe/")).json(), { present: false });
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
    const ok = await client.get("/scratch/ok");
    assert.equal(ok.status, 200);
    assert.equal((await client.get("/scratch/boom")).status, 500);
    assert.deepEqual(closed, [ok.json().id, serial], "both requests' instances, and only those");
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
