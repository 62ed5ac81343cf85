/**
 * Subclassing a controller or gateway: the subclass serves its parent's routes and message
 * handlers under its own path, keeps the parent's class-level guards, middleware,
 * interceptors, exception handlers and metadata (the parent's first), and adds its own.
 * The role itself (`@controller`, `@wsController`) is not inherited.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type CallNext,
  controller,
  type ExecutionContext,
  type Guard,
  get,
  InvalidModuleError,
  injectable,
  LaurenFactory,
  type MiddlewareFn,
  module,
  onError,
  onMessage,
  postConstruct,
  preDestruct,
  reply,
  setMetadata,
  useExceptionHandlers,
  useGuards,
  useInterceptors,
  useMiddleware,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { TestClient, WsTestClient } from "../../src/testing/index.js";

const trail: string[] = [];

function step(name: string): MiddlewareFn {
  return async (_ctx, next) => {
    trail.push(`${name}>`);
    return next();
  };
}

function around(name: string) {
  return async (ctx: ExecutionContext, next: CallNext) => {
    trail.push(`${name}:${ctx.handlerName}`);
    return next();
  };
}

/** Lets a request through only with `x-badge: yes`; records the role the route asks for. */
class BadgeGuard implements Guard {
  canActivate(ctx: ExecutionContext): boolean {
    trail.push(`guard role=${String(ctx.getMetadata("role"))}`);
    return ctx.request.header("x-badge") === "yes";
  }
}

class Vanished extends Error {}

/** Not listed in any module: a base that only holds what its subclasses share. */
@useGuards(BadgeGuard)
@useMiddleware(step("base middleware"))
@useInterceptors(around("base interceptor"))
@useExceptionHandlers(onError(Vanished, () => reply({ answeredBy: "base handler" }, { status: 410 })))
@setMetadata("role", "agent")
class BaseController {
  @get("/status")
  status() {
    trail.push(`handler ${this.constructor.name}`);
    return { from: this.constructor.name };
  }

  @get("/gone")
  gone(): never {
    throw new Vanished();
  }
}

@controller("/field")
@useExceptionHandlers(onError(Vanished, () => reply({ answeredBy: "field handler" }, { status: 410 })))
@useMiddleware(step("field middleware"))
@useInterceptors(around("field interceptor"))
class FieldController extends BaseController {
  @get("/report")
  report() {
    return { report: "all quiet" };
  }
}

/** A sibling decorated with nothing but @controller still gets everything from the base. */
@controller("/desk")
class DeskController extends BaseController {}

@module({ controllers: [FieldController, DeskController] })
class HttpModule {}

function client() {
  trail.length = 0;
  return new TestClient(LaurenFactory.create(HttpModule, { logger: false }));
}

describe("controller inheritance", () => {
  it("a subclass serves its parent's routes under its own prefix, behind the parent's guards, middleware and interceptors first", async () => {
    const c = client();
    const r = await c.get("/field/status", { headers: { "x-badge": "yes" } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { from: "FieldController" });
    assert.deepEqual(trail, [
      "base middleware>",
      "field middleware>",
      "guard role=agent",
      "base interceptor:status",
      "field interceptor:status",
      "handler FieldController",
    ]);
    assert.deepEqual((await c.get("/field/report", { headers: { "x-badge": "yes" } })).json(), { report: "all quiet" });
  });

  it("the inherited guard refuses and the inherited exception handler answers, unless the subclass binds the class itself", async () => {
    const c = client();
    assert.equal((await c.get("/field/status")).status, 403);
    assert.equal((await c.get("/field/report")).status, 403);
    const gone = await c.get("/desk/gone", { headers: { "x-badge": "yes" } });
    assert.equal(gone.status, 410);
    assert.deepEqual(gone.json(), { answeredBy: "base handler" });
    assert.deepEqual((await c.get("/field/gone", { headers: { "x-badge": "yes" } })).json(), { answeredBy: "field handler" });
  });

  it("a subclass's own decorators never reach its parent or its siblings", async () => {
    const c = client();
    assert.equal((await c.get("/desk/status", { headers: { "x-badge": "yes" } })).status, 200);
    assert.deepEqual(trail, ["base middleware>", "guard role=agent", "base interceptor:status", "handler DeskController"]);
    assert.equal((await c.get("/desk/report", { headers: { "x-badge": "yes" } })).status, 404);
  });

  it("an undecorated subclass listed as a controller is refused, naming the fix", () => {
    class Copy extends FieldController {}
    @module({ controllers: [Copy] })
    class CopyModule {}
    assert.throws(
      () => LaurenFactory.create(CopyModule, { logger: false }),
      (error: unknown) =>
        error instanceof InvalidModuleError &&
        error.message.includes("CopyModule lists Copy as a controller, but only its parent FieldController is decorated") &&
        error.message.includes('add @controller("/prefix") to Copy'),
    );
  });
});

class Jammed extends Error {}

@wsController("/base")
@useInterceptors(around("base gateway interceptor"))
@useExceptionHandlers(onError(Jammed, () => reply({ event: "jammed" })))
class BaseGateway {
  @onMessage("ping")
  ping({ ws }: WsCtx) {
    ws.sendJson({ event: "pong", from: this.constructor.name });
  }

  @onMessage("jam")
  jam(): never {
    throw new Jammed();
  }
}

@wsController("/relay")
@useInterceptors(around("relay interceptor"))
class RelayGateway extends BaseGateway {}

@module({ controllers: [RelayGateway] })
class WsModule {}

describe("gateway inheritance", { timeout: 30_000 }, () => {
  it("a subclass handles its parent's events, with the parent's interceptors and exception handlers", async () => {
    const app = LaurenFactory.create(WsModule, { logger: false });
    const client = new WsTestClient(app);
    trail.length = 0;
    try {
      const ws = await client.connect("/relay");
      ws.sendJson({ event: "ping" });
      assert.deepEqual(await ws.receiveJson(), { event: "pong", from: "RelayGateway" });
      assert.deepEqual(trail, ["base gateway interceptor:ping", "relay interceptor:ping"]);
      ws.sendJson({ event: "jam" });
      assert.deepEqual(await ws.receiveJson(), { event: "jammed" });
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  it("an undecorated subclass listed as a gateway is refused", () => {
    class Echo extends BaseGateway {}
    @module({ controllers: [Echo] })
    class EchoModule {}
    assert.throws(() => LaurenFactory.create(EchoModule, { logger: false }), /add @wsController\("\/path"\) to Echo/);
  });
});

describe("lifecycle hook inheritance", () => {
  it("a subclass runs its parent's hooks, and an overridden hook it marks again runs once", async () => {
    const ran: string[] = [];
    class Pool {
      @postConstruct
      open() {
        ran.push(`open ${this.constructor.name}`);
      }
      @preDestruct
      drain() {
        ran.push("Pool.drain");
      }
    }
    @injectable()
    class ReplicaPool extends Pool {
      @preDestruct
      override drain() {
        ran.push("ReplicaPool.drain");
      }
    }
    @module({ providers: [ReplicaPool] })
    class PoolModule {}
    const app = LaurenFactory.create(PoolModule, { logger: false });
    await app.startup();
    await app.shutdown();
    assert.deepEqual(ran, ["open ReplicaPool", "ReplicaPool.drain"]);
  });
});
