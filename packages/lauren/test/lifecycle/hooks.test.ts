/**
 * @postConstruct / @preDestruct / onShutdown: order, timeouts and failure isolation.
 * The provider graph is Database ← Repository ← Service, listed in the module backwards so
 * the order can only come from the dependencies, not from how the module lists them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DecoratorUsageError,
  inject,
  injectable,
  LaurenFactory,
  LifecycleError,
  module,
  postConstruct,
  preDestruct,
} from "../../src/index.js";
import { deferred, loggedError, recordingLogger, settle } from "./helpers.js";

interface Behaviour {
  /** Per hook label ("Repository.up"): "fail" throws, "hang" never settles, a Promise is awaited. */
  [hook: string]: "fail" | "hang" | Promise<void> | undefined;
}

function chainApp(behaviour: Behaviour = {}, hookTimeout = 1_000) {
  const events: string[] = [];
  const act = async (hook: string): Promise<void> => {
    const how = behaviour[hook];
    if (how === "fail") throw new Error(`${hook} broke`);
    if (how === "hang") await new Promise<never>(() => {});
    if (how instanceof Promise) await how;
    events.push(hook);
  };

  @injectable()
  class Database {
    @postConstruct
    up() {
      return act("Database.up");
    }
    @preDestruct
    down() {
      return act("Database.down");
    }
  }

  @injectable()
  class Repository {
    readonly db = inject(Database);
    @postConstruct
    up() {
      return act("Repository.up");
    }
    @preDestruct
    down() {
      return act("Repository.down");
    }
  }

  @injectable()
  class Service {
    readonly repo = inject(Repository);
    @postConstruct
    up() {
      return act("Service.up");
    }
    @preDestruct
    down() {
      return act("Service.down");
    }
  }

  @module({ providers: [Service, Repository, Database] })
  class ChainModule {}

  const log = recordingLogger();
  const app = LaurenFactory.create(ChainModule, { logger: log.logger, hookTimeout });
  return { app, events, log };
}

describe("lifecycle hooks", { timeout: 10_000 }, () => {
  test("post-construct hooks run dependencies first", async () => {
    const { app, events } = chainApp();
    assert.deepEqual(events, [], "no hook runs before startup()");
    await app.startup();
    assert.deepEqual(events, ["Database.up", "Repository.up", "Service.up"]);
    assert.equal(app.isStarted, true);
  });

  test("pre-destruct hooks run in reverse order at shutdown", async () => {
    const { app, events } = chainApp();
    await app.startup();
    events.length = 0;
    await app.shutdown();
    assert.deepEqual(events, ["Service.down", "Repository.down", "Database.down"]);
  });

  test("a failing post-construct hook is reported and the other hooks still run", async () => {
    const { app, events, log } = chainApp({ "Repository.up": "fail" });
    await app.startup();
    assert.deepEqual(events, ["Database.up", "Service.up"]);
    const [failure, ...rest] = log.lines.filter((l) => l.level === "error");
    assert.equal(rest.length, 0);
    assert.match(failure?.message ?? "", /Repository\.up \(@postConstruct\) failed/);
    assert.match(loggedError(failure), /Repository\.up broke/);
  });

  test("a failing pre-destruct hook is reported and the hooks after it still run", async () => {
    const { app, events, log } = chainApp({ "Service.down": "fail" });
    await app.startup();
    await app.shutdown();
    assert.deepEqual(events.slice(3), ["Repository.down", "Database.down"]);
    assert.deepEqual(log.errors(), ["Service.down (@preDestruct) failed"]);
  });

  test("a hanging post-construct hook times out and start-up carries on", async () => {
    const { app, events, log } = chainApp({ "Database.up": "hang" }, 50);
    await app.startup();
    assert.deepEqual(events, ["Repository.up", "Service.up"]);
    const failure = log.lines.find((l) => l.level === "error");
    assert.match(failure?.message ?? "", /Database\.up \(@postConstruct\) failed/);
    assert.match(loggedError(failure), /did not finish within 50 ms/);
  });

  test("a hanging pre-destruct hook times out and the hooks after it still run", async () => {
    const { app, events, log } = chainApp({ "Repository.down": "hang" }, 50);
    await app.startup();
    await app.shutdown();
    assert.deepEqual(events.slice(3), ["Service.down", "Database.down"]);
    assert.deepEqual(log.errors(), ["Repository.down (@preDestruct) failed"]);
  });

  test("calling startup() twice is a LifecycleError", async () => {
    const { app, events } = chainApp();
    await app.startup();
    await assert.rejects(app.startup(), LifecycleError);
    assert.deepEqual(events, ["Database.up", "Repository.up", "Service.up"], "hooks ran once");
  });

  test("calling startup() while it is still running is a LifecycleError too", async () => {
    const gate = deferred();
    const { app, events } = chainApp({ "Database.up": gate.promise });
    const first = app.startup();
    await assert.rejects(app.startup(), LifecycleError);
    gate.resolve();
    await first;
    assert.deepEqual(events, ["Database.up", "Repository.up", "Service.up"]);
  });

  test("shutdown() during start-up waits for the post-construct hooks before tearing down", async () => {
    const gate = deferred();
    const { app, events } = chainApp({ "Service.up": gate.promise });
    const starting = app.startup();
    const stopping = app.shutdown();
    await settle();
    assert.deepEqual(events, ["Database.up", "Repository.up"], "teardown has not overtaken start-up");
    gate.resolve();
    await Promise.all([starting, stopping]);
    assert.deepEqual(events, ["Database.up", "Repository.up", "Service.up", "Service.down", "Repository.down", "Database.down"]);
  });

  test("shutdown() twice tears down once, and both calls wait for the end", async () => {
    const gate = deferred();
    const { app, events } = chainApp({ "Database.down": gate.promise });
    await app.startup();
    let firstDone = false;
    let secondDone = false;
    const first = app.shutdown().then(() => (firstDone = true));
    const second = app.shutdown().then(() => (secondDone = true));
    await settle();
    assert.equal(firstDone || secondDone, false, "neither call resolved while a hook is still running");
    gate.resolve();
    await Promise.all([first, second]);
    assert.deepEqual(events.slice(3), ["Service.down", "Repository.down", "Database.down"]);
  });

  test("@postConstruct written with parentheses is a DecoratorUsageError that says how to fix it", () => {
    assert.throws(
      () => {
        class Broken {
          // @ts-expect-error: the decorator takes no arguments
          @postConstruct()
          up() {}
        }
        return Broken;
      },
      (err: unknown) => err instanceof DecoratorUsageError && /write @postConstruct above a method, without parentheses/.test(err.message),
    );
  });

  test("an app shut down without ever starting still tears down, and refuses to listen", async () => {
    const { app, events } = chainApp();
    await app.shutdown();
    assert.deepEqual(events, ["Service.down", "Repository.down", "Database.down"]);
    await assert.rejects(app.listen({ port: 0 }), LifecycleError);
    await assert.rejects(app.startup(), LifecycleError);
  });
});

describe("app.onShutdown", { timeout: 10_000 }, () => {
  test("callbacks run before the pre-destruct hooks, last registered first", async () => {
    const { app, events } = chainApp();
    await app.startup();
    events.length = 0;
    app.onShutdown(() => {
      events.push("first registered");
    });
    app.onShutdown(async () => {
      events.push("second registered");
    });
    await app.shutdown();
    assert.deepEqual(events, ["second registered", "first registered", "Service.down", "Repository.down", "Database.down"]);
  });

  test("a failing or hanging callback is reported and the rest of shutdown still runs", async () => {
    const { app, events, log } = chainApp({}, 50);
    await app.startup();
    events.length = 0;
    app.onShutdown(() => events.push("survivor"));
    app.onShutdown(function hangs() {
      return new Promise<never>(() => {});
    });
    app.onShutdown(() => {
      throw new Error("flush failed");
    });
    await app.shutdown();
    assert.deepEqual(events, ["survivor", "Service.down", "Repository.down", "Database.down"]);
    const errors = log.lines.filter((l) => l.level === "error");
    assert.equal(errors.length, 2);
    assert.match(loggedError(errors[0]), /flush failed/);
    assert.match(loggedError(errors[1]), /onShutdown callback hangs did not finish within 50 ms/);
  });
});
