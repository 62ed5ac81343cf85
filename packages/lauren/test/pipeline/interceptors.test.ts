/** Interceptors around HTTP handlers and WebSocket message handlers. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import {
  type CallNext,
  type Ctx,
  controller,
  type ExecutionContext,
  get,
  HttpError,
  type InterceptorFn,
  inject,
  injectable,
  interceptor,
  LaurenFactory,
  module,
  onMessage,
  post,
  setMetadata,
  useGuards,
  useInterceptors,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { TestClient, WsTestClient } from "../../src/testing/index.js";

const seen: string[] = [];

function named(name: string): InterceptorFn {
  const fn: InterceptorFn = async (ctx, next) => {
    seen.push(`${name}>${ctx.type}:${ctx.handlerName}`);
    const result = await next();
    seen.push(`<${name}`);
    return result;
  };
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

@injectable()
class Envelope {
  wrap(value: unknown) {
    return { data: value };
  }
}

/** Class form, with DI: wraps the result. */
@interceptor()
class WrapData {
  readonly envelope = inject(Envelope);
  async intercept(_ctx: ExecutionContext, next: CallNext) {
    return this.envelope.wrap(await next());
  }
}

class Teapot extends HttpError {
  static override status = 418;
  static override code = "teapot";
}

/** Maps any error of the handler to a 418. */
async function toTeapot(_ctx: ExecutionContext, next: CallNext) {
  try {
    return await next();
  } catch {
    throw new Teapot("mapped by an interceptor");
  }
}

class Allow {
  canActivate(): boolean {
    seen.push("guard");
    return true;
  }
}

@controller("/i")
@useInterceptors(named("controller"))
class InterceptedController {
  @get("/")
  @useGuards(Allow)
  @useInterceptors(named("route"))
  index() {
    seen.push("handler");
    return { hero: "Volt" };
  }

  @get("/wrapped")
  @useInterceptors(WrapData)
  wrapped() {
    return [1, 2];
  }

  @post("/checked", { body: z.object({ n: z.number() }) })
  checked(ctx: Ctx<{ body: z.ZodObject<{ n: z.ZodNumber }> }>) {
    seen.push("handler");
    return ctx.body;
  }

  @get("/cached")
  @setMetadata("cache", "hit")
  @useInterceptors((ctx: ExecutionContext) => (ctx.getMetadata("cache") === "hit" ? { cached: true } : undefined))
  cached() {
    seen.push("handler");
    return { cached: false };
  }

  @get("/fails")
  @useInterceptors(toTeapot)
  fails(): never {
    throw new Error("raw");
  }

  @get("/throws")
  @useInterceptors(() => {
    throw new Teapot("from the interceptor");
  })
  throws() {
    seen.push("handler");
    return "unreached";
  }
}

/** Class form on a message handler, with DI: records the result the handler returned. */
@interceptor()
class RecordResult {
  readonly envelope = inject(Envelope);
  async intercept(ctx: ExecutionContext, next: CallNext) {
    const result = await next();
    seen.push(`result ${JSON.stringify(this.envelope.wrap(result))} of ${ctx.event}`);
    return result;
  }
}

@wsController("/ws")
@useInterceptors(named("gateway"))
class Gateway {
  @onMessage("ping")
  @useInterceptors(named("message"))
  ping(ctx: WsCtx) {
    seen.push("handler");
    ctx.ws.sendJson({ event: "pong" });
  }

  @onMessage("muted")
  @setMetadata("muted", true)
  @useInterceptors((ctx: ExecutionContext, next: CallNext) => (ctx.getMetadata("muted") === true ? undefined : next()))
  muted() {
    seen.push("muted handler");
  }

  @onMessage("fails")
  @useInterceptors(toTeapot)
  fails(): never {
    throw new Error("raw");
  }

  @onMessage("counted")
  @useInterceptors(RecordResult)
  counted() {
    return 3;
  }
}

@module({ controllers: [InterceptedController, Gateway], providers: [Envelope] })
class AppModule {}

function client(options: Parameters<typeof LaurenFactory.create>[1] = {}) {
  seen.length = 0;
  return new TestClient(LaurenFactory.create(AppModule, { logger: false, ...options }));
}

describe("interceptors", () => {
  it("run global → controller → route, after the guards, around the handler", async () => {
    const r = await client({ interceptors: [named("global")] }).get("/i/");
    assert.deepEqual(r.json(), { hero: "Volt" });
    assert.deepEqual(seen, [
      "guard",
      "global>http:index",
      "controller>http:index",
      "route>http:index",
      "handler",
      "<route",
      "<controller",
      "<global",
    ]);
  });

  it("do not run when validation fails", async () => {
    const r = await client({ interceptors: [named("global")] }).post("/i/checked", { json: { n: "nope" } });
    assert.equal(r.status, 422);
    assert.deepEqual(seen, []);
  });

  it("map the result before it is written (class form with DI)", async () => {
    assert.deepEqual((await client().get("/i/wrapped")).json(), { data: [1, 2] });
  });

  it("may answer without calling the handler, reading route metadata", async () => {
    assert.deepEqual((await client().get("/i/cached")).json(), { cached: true });
    assert.deepEqual(seen, ["controller>http:cached", "<controller"]);
  });

  it("see the handler's error and may map it; their own errors are answered like the handler's", async () => {
    const c = client();
    const mapped = await c.get("/i/fails");
    assert.equal(mapped.status, 418);
    assert.equal(mapped.json().error.message, "mapped by an interceptor");
    const thrown = await c.get("/i/throws");
    assert.equal(thrown.status, 418);
    assert.ok(!seen.includes("handler"));
  });

  it("wrap WebSocket message handlers with a ws ExecutionContext", async () => {
    const app = LaurenFactory.create(AppModule, { logger: false, interceptors: [named("global")] });
    seen.length = 0;
    const ws = new WsTestClient(app);
    try {
      const socket = await ws.connect("/ws");
      socket.sendJson({ event: "ping" });
      assert.deepEqual(await socket.receiveJson(), { event: "pong" });
      assert.deepEqual(seen, ["global>ws:ping", "gateway>ws:ping", "message>ws:ping", "handler", "<message", "<gateway", "<global"]);
    } finally {
      await ws.close();
      await app.shutdown();
    }
  });

  it("on WebSocket messages: skip the handler, read its metadata and result, and map its error into the frame", async () => {
    const app = LaurenFactory.create(AppModule, { logger: false });
    seen.length = 0;
    const ws = new WsTestClient(app);
    try {
      const socket = await ws.connect("/ws");
      socket.sendJson({ event: "muted" });
      socket.sendJson({ event: "counted" });
      socket.sendJson({ event: "fails" });
      // Messages are handled in order, so this frame comes after the first two were handled.
      assert.deepEqual(await socket.receiveJson(), { error: { code: "teapot", message: "mapped by an interceptor", detail: {} } });
      assert.ok(!seen.includes("muted handler"));
      assert.ok(seen.includes('result {"data":3} of counted'));
    } finally {
      await ws.close();
      await app.shutdown();
    }
  });
});
