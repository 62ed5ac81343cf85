/** Exception handlers (lookup order, most specific class, DI, rethrow) and problem+json. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import {
  type CallNext,
  controller,
  type ErrorContext,
  exceptionHandler,
  get,
  HttpError,
  InvalidExceptionHandlerError,
  inject,
  LaurenFactory,
  type LaurenOptions,
  type MiddlewareContext,
  module,
  type Next,
  NotFoundError,
  onError,
  post,
  reply,
  useExceptionHandlers,
  useGuards,
  useInterceptors,
  useMiddleware,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { recordingLogger } from "../core/support.js";
import {
  appAny,
  appDomain,
  handlerDomain,
  MissingHero,
  Overheated,
  overheatedAsNotFound,
  rethrowOverheated,
  Wording,
} from "./error-fixtures.js";

@exceptionHandler(MissingHero)
class MissingHeroHandler {
  readonly wording = inject(Wording);
  catch(error: MissingHero, ctx: ErrorContext) {
    return reply({ level: "controller-class", message: this.wording.missing(error.id), route: ctx.route?.route ?? null }, { status: 404 });
  }
}

@controller("/h")
@useExceptionHandlers(MissingHeroHandler)
class HeroController {
  @get("/missing")
  missing(): never {
    throw new MissingHero(7);
  }

  /** A route handler for DomainError beats the controller's more specific MissingHero handler. */
  @get("/missing-here")
  @useExceptionHandlers(handlerDomain)
  missingHere(): never {
    throw new MissingHero(8);
  }

  @get("/hot")
  hot(): never {
    throw new Overheated("too hot");
  }

  @get("/type")
  type(): never {
    throw new TypeError("internal detail");
  }

  @get("/rethrow")
  @useExceptionHandlers(rethrowOverheated)
  rethrow(): never {
    throw new Overheated("rethrown detail");
  }

  @get("/map")
  @useExceptionHandlers(overheatedAsNotFound)
  map(): never {
    throw new Overheated("x");
  }

  @get("/http")
  http(): never {
    throw new NotFoundError("no such thing", { id: 3 });
  }
}

/** Thrown from one layer of the pipeline; its message names the layer. */
class LayerFailed extends Error {}
const fail = (layer: string) => () => {
  throw new LayerFailed(layer);
};

@controller("/layers")
class LayersController {
  @get("/route-middleware")
  @useMiddleware(fail("route middleware"))
  routeMiddleware() {
    return "unreached";
  }

  @get("/guard")
  @useGuards({ canActivate: fail("guard") })
  guard() {
    return "unreached";
  }

  @post("/validation", { body: z.object({ n: z.number() }) })
  validation() {
    return "unreached";
  }

  @get("/interceptor")
  @useInterceptors(fail("interceptor"))
  interceptor() {
    return "unreached";
  }

  @get("/handler")
  handler(): never {
    throw new LayerFailed("handler");
  }

  @get("/after")
  @useMiddleware(async (_ctx: MiddlewareContext, next: Next) => {
    await next();
    throw new LayerFailed("route middleware, after next()");
  })
  after() {
    return "written, then replaced";
  }
}

@module({ controllers: [HeroController, LayersController], providers: [Wording] })
class AppModule {}

function client(options: LaurenOptions = {}) {
  return new TestClient(LaurenFactory.create(AppModule, { logger: false, ...options }));
}

describe("exception handlers", () => {
  it("a controller's class handler (with DI) answers its error class", async () => {
    const r = await client().get("/h/missing");
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { level: "controller-class", message: "no hero 7 on the roster", route: "/h/missing" });
  });

  it("looks on the route first, then the controller, then the app", async () => {
    const c = client({ exceptionHandlers: [appDomain, appAny] });
    assert.deepEqual((await c.get("/h/missing-here")).json(), { level: "handler-domain" });
    assert.deepEqual((await c.get("/h/missing")).json().level, "controller-class");
    assert.deepEqual((await c.get("/h/hot")).json(), { level: "app-domain" });
  });

  it("within a level the most specific class wins, whatever the order", async () => {
    const c = client({ exceptionHandlers: [appAny, appDomain] });
    assert.deepEqual((await c.get("/h/hot")).json(), { level: "app-domain" });
    assert.deepEqual((await c.get("/h/type")).json(), { level: "app-any" });
  });

  it("app handlers also see errors raised before routing (404)", async () => {
    const c = client({ exceptionHandlers: [onError(HttpError, (e: HttpError) => reply({ seen: e.code }, { status: e.status }))] });
    const r = await c.get("/nowhere");
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { seen: "route_not_found" });
  });

  it("an error no handler matches keeps the default envelope; unexpected ones never leak", async () => {
    const logger = recordingLogger();
    const c = new TestClient(LaurenFactory.create(AppModule, { logger }));
    const r = await c.get("/h/type");
    assert.equal(r.status, 500);
    assert.deepEqual(r.json(), { error: { code: "internal_error", message: "internal server error", detail: { type: "TypeError" } } });
    assert.equal(logger.entries.length, 1);
  });

  it("a handler that rethrows hands the error to the default writer", async () => {
    const r = await client().get("/h/rethrow");
    assert.equal(r.status, 500);
    assert.ok(!r.text.includes("rethrown detail"));
  });

  it("a handler may answer with an HttpError", async () => {
    const r = await client().get("/h/map");
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { error: { code: "not_found", message: "mapped", detail: { why: "overheated" } } });
  });

  it("see errors thrown in every layer: global and route middleware, guards, validation, interceptors, the handler", async () => {
    const c = client({
      middleware: [(ctx: MiddlewareContext, next: Next) => (ctx.path === "/layers/global" ? fail("global middleware")() : next())],
      interceptors: [async (_ctx, next: CallNext) => next()],
      exceptionHandlers: [
        onError(LayerFailed, (error) => reply({ layer: error.message }, { status: 409 })),
        onError(HttpError, (error: HttpError) => reply({ layer: "validation", code: error.code }, { status: 400 })),
      ],
    });
    const answers = [];
    for (const path of ["global", "route-middleware", "guard", "interceptor", "handler", "after"]) {
      const r = await c.get(`/layers/${path}`);
      answers.push([r.status, r.json()]);
    }
    const invalid = await c.post("/layers/validation", { json: { n: "one" } });
    answers.push([invalid.status, invalid.json()]);
    assert.deepEqual(answers, [
      [409, { layer: "global middleware" }],
      [409, { layer: "route middleware" }],
      [409, { layer: "guard" }],
      [409, { layer: "interceptor" }],
      [409, { layer: "handler" }],
      [409, { layer: "route middleware, after next()" }],
      [400, { layer: "validation", code: "extractor_error" }],
    ]);
  });

  it("refuses handlers without error classes or without @exceptionHandler", () => {
    assert.throws(() => exceptionHandler(), InvalidExceptionHandlerError);
    class Plain {
      catch() {
        return null;
      }
    }
    assert.throws(
      () => LaurenFactory.create(AppModule, { logger: false, exceptionHandlers: [Plain as never] }),
      InvalidExceptionHandlerError,
    );
  });
});

describe("errorFormat: problem+json", () => {
  it("answers errors as RFC 9457 problem details", async () => {
    const c = client({ errorFormat: "problem+json" });
    const r = await c.get("/h/http");
    assert.equal(r.status, 404);
    assert.equal(r.header("content-type"), "application/problem+json");
    assert.deepEqual(r.json(), {
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "no such thing",
      instance: "/h/http",
      code: "not_found",
      context: { id: 3 },
    });
  });

  it("covers routing errors and unexpected errors, without leaking", async () => {
    const c = client({ errorFormat: "problem+json" });
    const missing = await c.get("/nowhere");
    assert.equal(missing.header("content-type"), "application/problem+json");
    assert.equal(missing.json().code, "route_not_found");
    const method = await c.delete("/h/http");
    assert.equal(method.status, 405);
    assert.equal(method.header("allow"), "GET, HEAD, OPTIONS");
    const boom = await c.get("/h/type");
    assert.equal(boom.status, 500);
    assert.deepEqual(boom.json(), {
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: "internal server error",
      instance: "/h/type",
      code: "internal_error",
      context: { type: "TypeError" },
    });
  });

  it("refuses an unknown format at start-up", () => {
    assert.throws(() => client({ errorFormat: "xml" as never }), /errorFormat must be/);
  });
});
