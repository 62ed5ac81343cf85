/**
 * WebSocket gateways at the handshake and at the ends of a connection's life: guards,
 * Origin allowlist, the read-only session, path parameters, refusing unknown paths, the
 * heartbeat and shutdown.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WebSocket } from "ws";
import {
  type ExecutionContext,
  type Guard,
  HttpError,
  injectable,
  LaurenFactory,
  module,
  onConnect,
  onDisconnect,
  onMessage,
  UnauthorizedError,
  useGuards,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { TestClient, WsHandshakeError, WsTestClient } from "../../src/testing/index.js";
import { recordingLogger, waitUntil } from "./helpers.js";

const SECRET = "ws-upgrade-test-secret-that-is-32-bytes";

class IntruderError extends HttpError {
  static override status = 418;
  static override code = "intruder";
}

@injectable()
class BadgeGuard implements Guard {
  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.request.header("x-badge") === "intruder") throw new IntruderError("not on the list", { badge: "intruder" });
    return ctx.request.header("x-badge") === "hq-007" && ctx.route === "/vault";
  }
}

class LoggedInGuard implements Guard {
  canActivate(ctx: ExecutionContext): boolean {
    return ctx.session.has("hero_id");
  }
}

const lifecycle: string[] = [];

@wsController("/vault")
@useGuards(BadgeGuard)
class VaultGateway {
  @onConnect
  open({ ws }: WsCtx) {
    ws.sendJson({ vault: "open" });
  }
}

@wsController("/desk")
class DeskGateway {
  @onConnect
  greet({ ws, session }: WsCtx) {
    ws.sendJson({ name: session.get("name") ?? null, isNew: session.isNew, writable: "set" in session });
  }
}

@wsController("/members")
@useGuards(new LoggedInGuard())
class MembersGateway {
  @onConnect
  greet({ ws, session }: WsCtx) {
    ws.sendJson({ member: session.get("hero_id") });
  }
}

@wsController("/rooms/{room}")
class RoomGateway {
  @onConnect
  greet({ ws, request }: WsCtx) {
    ws.sendJson({ room: ws.params.room, path: ws.path, q: request.query.q ?? null });
  }
}

@wsController("/embassy", { allowedOrigins: ["https://hq.example"] })
class EmbassyGateway {
  @onConnect
  greet({ ws }: WsCtx) {
    ws.sendJson({ welcome: true });
  }
}

@wsController("/watch", { heartbeatInterval: 200 })
class WatchGateway {}

@wsController("/moody")
class MoodyGateway {
  @onConnect
  greet({ request }: WsCtx) {
    if (request.query.mood === "grumpy") throw new UnauthorizedError("go away", {});
    if (request.query.mood === "broken") throw new Error("connect hook bug");
  }
}

@wsController("/ops")
class OpsGateway {
  @onConnect
  hello({ ws }: WsCtx) {
    lifecycle.push(`connect ${ws.readyState}`);
  }

  @onMessage("whoami")
  whoami({ ws, session }: WsCtx) {
    ws.sendJson({ name: session.get("name") });
  }

  @onDisconnect
  bye({ data }: WsCtx<{ code: number; reason: string }>) {
    lifecycle.push(`disconnect ${data.code} ${data.reason}`);
  }
}

@module({
  controllers: [VaultGateway, DeskGateway, MembersGateway, RoomGateway, EmbassyGateway, WatchGateway, MoodyGateway, OpsGateway],
  providers: [BadgeGuard],
})
class HqModule {}

function makeApp(withSessions = true, logger = recordingLogger()) {
  return LaurenFactory.create(HqModule, { logger, ...(withSessions ? { sessions: { secret: SECRET, secure: false } } : {}) });
}

async function refused(attempt: Promise<unknown>): Promise<WsHandshakeError> {
  try {
    await attempt;
  } catch (error) {
    assert.ok(error instanceof WsHandshakeError, `expected a refused handshake, got ${String(error)}`);
    return error;
  }
  assert.fail("the upgrade was accepted");
}

describe("WebSocket upgrades", { timeout: 30_000 }, () => {
  test("guards run before the upgrade: a pass connects, a denial is a 403 envelope, a thrown HttpError keeps its status", async () => {
    const app = makeApp();
    const client = new WsTestClient(app);
    try {
      const ws = await client.connect("/vault", { headers: { "x-badge": "hq-007" } });
      assert.deepEqual(await ws.receiveJson(), { vault: "open" });

      const denied = await refused(client.connect("/vault", { headers: { "x-badge": "fake" } }));
      assert.equal(denied.status, 403);
      assert.equal(denied.headers["content-type"], "application/json");
      assert.deepEqual(denied.json(), {
        error: { code: "forbidden", message: "access denied by BadgeGuard", detail: { guard: "BadgeGuard" } },
      });

      const intruder = await refused(client.connect("/vault", { headers: { "x-badge": "intruder" } }));
      assert.equal(intruder.status, 418);
      assert.deepEqual(intruder.json(), { error: { code: "intruder", message: "not on the list", detail: { badge: "intruder" } } });
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("an unknown path is refused with a 404 by the app's own server", async () => {
    const app = makeApp();
    await app.listen({ port: 0 });
    const client = new WsTestClient(app);
    try {
      const missing = await refused(client.connect("/nowhere"));
      assert.equal(missing.status, 404);
      const ws = await client.connect("/rooms/alpha?q=1");
      assert.deepEqual(await ws.receiveJson(), { room: "alpha", path: "/rooms/alpha", q: "1" });
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("the Origin allowlist admits listed origins, refuses others and lets a client without Origin in", async () => {
    const app = makeApp();
    const client = new WsTestClient(app);
    try {
      const ws = await client.connect("/embassy", { origin: "https://HQ.example" });
      assert.deepEqual(await ws.receiveJson(), { welcome: true });
      const other = await refused(client.connect("/embassy", { origin: "https://villain.example" }));
      assert.equal(other.status, 403);
      assert.deepEqual(other.json(), {
        error: { code: "forbidden", message: "origin not allowed", detail: { origin: "https://villain.example" } },
      });
      // No Origin: not a browser, and a non-browser could send any Origin it likes.
      const cli = await client.connect("/embassy");
      assert.deepEqual(await cli.receiveJson(), { welcome: true });
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("the gateway reads the session from the upgrade cookie, read-only, and guards see it too", async () => {
    const app = makeApp();
    const http = new TestClient(app);
    const cookie = await http.withSession({ hero_id: 7, name: "Volt" });
    const client = new WsTestClient(app);
    try {
      const known = await client.connect("/desk", { cookies: { lauren_session: cookie } });
      assert.deepEqual(await known.receiveJson(), { name: "Volt", isNew: false, writable: false });
      const anonymous = await client.connect("/desk", { cookies: { lauren_session: "forged.cookie" } });
      assert.deepEqual(await anonymous.receiveJson(), { name: null, isNew: true, writable: false });

      const member = await client.connect("/members", { cookies: { lauren_session: cookie } });
      assert.deepEqual(await member.receiveJson(), { member: 7 });
      assert.equal((await refused(client.connect("/members"))).status, 403);
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("with sessions off, reading the session answers an internal-error frame and logs why", async () => {
    const logger = recordingLogger();
    const app = makeApp(false, logger);
    const client = new WsTestClient(app);
    try {
      const ws = await client.connect("/ops");
      ws.sendJson({ event: "whoami" });
      assert.deepEqual(await ws.receiveJson(), {
        error: { code: "websocket_error", message: "internal error", detail: { type: "SessionConfigError" } },
      });
      const logged = logger.entries.find((e) => e.level === "error");
      assert.match(
        String((logged?.fields?.error as Error | undefined)?.message),
        /WS \/ops \(OpsGateway\) reads ctx\.session, but sessions are off/,
      );
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("a failing @onConnect closes the connection: 1008 with the error frame for an HttpError, 1011 otherwise", async () => {
    const app = makeApp();
    const client = new WsTestClient(app);
    try {
      const grumpy = await client.connect("/moody?mood=grumpy");
      assert.deepEqual(await grumpy.receiveJson(), { error: { code: "unauthorized", message: "go away", detail: {} } });
      assert.equal((await grumpy.closed).code, 1008);
      const broken = await client.connect("/moody?mood=broken");
      assert.deepEqual(await broken.closed, { code: 1011, reason: "internal error" });
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("the heartbeat drops a peer that stops answering pings and keeps one that answers", async () => {
    const app = makeApp();
    const { port } = await app.listen({ port: 0 });
    const silent = new WebSocket(`ws://127.0.0.1:${port}/watch`, { autoPong: false });
    const lively = new WebSocket(`ws://127.0.0.1:${port}/watch`);
    try {
      await Promise.all([silent, lively].map((ws) => new Promise((resolve) => ws.once("open", resolve))));
      const silentClosed = new Promise<number>((resolve) => silent.once("close", (code) => resolve(code)));
      assert.equal(await silentClosed, 1006, "the silent peer was terminated without a closing handshake");
      assert.equal(lively.readyState, WebSocket.OPEN);
    } finally {
      lively.terminate();
      silent.terminate();
      await app.shutdown();
    }
  });

  test("shutdown closes every socket with 1001 after running @onDisconnect, and refuses new upgrades", async () => {
    const app = makeApp();
    const client = new WsTestClient(app);
    lifecycle.length = 0;
    const a = await client.connect("/ops");
    const b = await client.connect("/ops");
    await waitUntil(() => lifecycle.length === 2, "both connected");
    assert.deepEqual(lifecycle, ["connect 1", "connect 1"]);
    await app.shutdown();
    assert.deepEqual(await a.closed, { code: 1001, reason: "server shutting down" });
    assert.deepEqual(await b.closed, { code: 1001, reason: "server shutting down" });
    assert.deepEqual(lifecycle.slice(2), ["disconnect 1001 server shutting down", "disconnect 1001 server shutting down"]);
    const late = await refused(client.connect("/ops"));
    assert.equal(late.status, 503);
    await client.close();
  });
});
