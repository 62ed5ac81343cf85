/**
 * Exception handlers on WebSocket messages: looked up message handler → gateway → app like
 * HTTP's route → controller → app, the nearest class winning; the handler's reply body is
 * the error frame, and unexpected errors never reach the client.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import {
  type ErrorContext,
  exceptionHandler,
  inject,
  LaurenFactory,
  type LaurenOptions,
  module,
  onError,
  onMessage,
  reply,
  useExceptionHandlers,
  WebSocketValidationError,
  wsController,
} from "../../src/index.js";
import { WsTestClient } from "../../src/testing/index.js";
import { recordingLogger } from "../core/support.js";
import {
  appAny,
  appDomain,
  DomainError,
  handlerDomain,
  MissingHero,
  Overheated,
  overheatedAsNotFound,
  rethrowOverheated,
  Wording,
} from "./error-fixtures.js";

class Sealed extends DomainError {}

@exceptionHandler(MissingHero)
class MissingHeroHandler {
  readonly wording = inject(Wording);
  catch(error: MissingHero, ctx: ErrorContext) {
    return reply({
      level: "gateway-class",
      message: this.wording.missing(error.id),
      handler: ctx.route?.handlerName,
      route: ctx.route?.route,
      event: ctx.event,
      path: ctx.request.path,
    });
  }
}

@wsController("/hq")
@useExceptionHandlers(MissingHeroHandler)
class HqGateway {
  @onMessage("missing")
  missing(): never {
    throw new MissingHero(7);
  }

  /** A message handler's DomainError handler (the reply's status means nothing here) beats the gateway's more specific MissingHero one. */
  @onMessage("missing-here")
  @useExceptionHandlers(handlerDomain)
  missingHere(): never {
    throw new MissingHero(8);
  }

  @onMessage("hot")
  hot(): never {
    throw new Overheated("too hot");
  }

  @onMessage("type")
  type(): never {
    throw new TypeError("secret internals: the vault code is 1234");
  }

  @onMessage("rethrow")
  @useExceptionHandlers(rethrowOverheated)
  rethrow(): never {
    throw new Overheated("rethrown secret");
  }

  @onMessage("map")
  @useExceptionHandlers(overheatedAsNotFound)
  map(): never {
    throw new Overheated("x");
  }

  @onMessage("vague")
  @useExceptionHandlers(onError(Overheated, () => ({ not: "a reply" })))
  vague(): never {
    throw new Overheated("vague secret");
  }

  @onMessage("sealed")
  @useExceptionHandlers(
    onError(Sealed, (_error, ctx) => {
      ctx.ws?.close(4000, "sealed");
      return reply(null);
    }),
  )
  sealed(): never {
    throw new Sealed("sealed");
  }

  @onMessage("text")
  @useExceptionHandlers(onError(Overheated, () => reply("too hot, try later")))
  text(): never {
    throw new Overheated("x");
  }

  @onMessage("checked", { data: z.object({ n: z.number() }) })
  checked() {
    return undefined;
  }
}

@module({ controllers: [HqGateway], providers: [Wording] })
class AppModule {}

/** Opens one connection to an app built with `options`; `run` gets it, and everything is closed after. */
async function withSocket(options: LaurenOptions, run: (ws: Awaited<ReturnType<WsTestClient["connect"]>>) => Promise<void>): Promise<void> {
  const app = LaurenFactory.create(AppModule, { logger: false, ...options });
  const client = new WsTestClient(app);
  try {
    await run(await client.connect("/hq"));
  } finally {
    await client.close();
    await app.shutdown();
  }
}

describe("exception handlers on WebSocket messages", { timeout: 30_000 }, () => {
  it("a gateway's class handler (with DI) answers a message handler's error; its reply body is the frame", () =>
    withSocket({}, async (ws) => {
      ws.sendJson({ event: "missing" });
      assert.deepEqual(await ws.receiveJson(), {
        level: "gateway-class",
        message: "no hero 7 on the roster",
        handler: "missing",
        route: "/hq",
        event: "missing",
        path: "/hq",
      });
      ws.sendJson({ event: "text" });
      assert.equal(await ws.receive(), "too hot, try later");
    }));

  it("looks on the message handler first, then the gateway, then the app", () =>
    withSocket({ exceptionHandlers: [appDomain, appAny] }, async (ws) => {
      ws.sendJson({ event: "missing-here" });
      assert.deepEqual(await ws.receiveJson(), { level: "handler-domain" });
      ws.sendJson({ event: "missing" });
      assert.equal((await ws.receiveJson()).level, "gateway-class");
      ws.sendJson({ event: "hot" });
      assert.deepEqual(await ws.receiveJson(), { level: "app-domain" });
    }));

  it("within a level the most specific class wins, whatever the order", () =>
    withSocket({ exceptionHandlers: [appAny, appDomain] }, async (ws) => {
      ws.sendJson({ event: "hot" });
      assert.deepEqual(await ws.receiveJson(), { level: "app-domain" });
      ws.sendJson({ event: "type" });
      assert.deepEqual(await ws.receiveJson(), { level: "app-any" });
    }));

  it("an error no handler takes, a rethrow, or a handler returning neither a reply nor an HttpError never leaks", async () => {
    const logger = recordingLogger();
    await withSocket({ logger }, async (ws) => {
      const generic = (type: string) => `{"error":{"code":"websocket_error","message":"internal error","detail":{"type":"${type}"}}}`;
      ws.sendJson({ event: "type" });
      assert.equal(await ws.receive(), generic("TypeError"));
      ws.sendJson({ event: "rethrow" });
      assert.equal(await ws.receive(), generic("Overheated"));
      ws.sendJson({ event: "vague" });
      assert.equal(await ws.receive(), generic("Overheated"));
      const logged = logger.entries.map((e) => `${e.level} ${e.message} ${(e.fields?.error as Error | undefined)?.message}`);
      assert.equal(logged.length, 3);
      assert.match(logged[0] as string, /^error .*'type' handler failed secret internals/);
      assert.match(logged[1] as string, /^error .*'rethrow' handler failed rethrown secret/);
      assert.match(logged[2] as string, /^error .*'vague' handler failed, and exception handler .* returned neither .* vague secret/);
    });
  });

  it("a handler may answer with an HttpError: its envelope is the frame", () =>
    withSocket({}, async (ws) => {
      ws.sendJson({ event: "map" });
      assert.deepEqual(await ws.receiveJson(), { error: { code: "not_found", message: "mapped", detail: { why: "overheated" } } });
    }));

  it("a handler may send nothing and close the connection itself (ctx.ws)", () =>
    withSocket({}, async (ws) => {
      ws.sendJson({ event: "sealed" });
      const closed = await ws.closed;
      assert.equal(closed.code, 4000);
      assert.equal(closed.reason, "sealed");
    }));

  it("app handlers also see frames that reach no handler, and failed validation", () =>
    withSocket(
      {
        exceptionHandlers: [
          onError(WebSocketValidationError, (error: WebSocketValidationError, ctx) =>
            reply({ refused: error.message, event: ctx.event ?? null, handler: ctx.route?.handlerName }),
          ),
        ],
      },
      async (ws) => {
        ws.send("{not json");
        const bad = await ws.receiveJson();
        assert.match(bad.refused, /^invalid JSON frame/);
        assert.equal(bad.event, null);
        ws.sendJson({ event: "dance" });
        assert.deepEqual(await ws.receiveJson(), { refused: "no handler for event 'dance'", event: "dance", handler: "upgrade" });
        ws.sendJson({ event: "checked", data: { n: "one" } });
        assert.deepEqual(await ws.receiveJson(), { refused: "validation error", event: "checked", handler: "checked" });
      },
    ));
});
