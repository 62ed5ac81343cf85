/**
 * WebSocket gateways after the handshake: routing frames by event, error frames for bad
 * input (the connection stays open), broadcasting, limits and abrupt disconnects.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { z } from "zod";
import {
  BroadcastGroup,
  controller,
  get,
  inject,
  injectable,
  LaurenFactory,
  module,
  NotFoundError,
  onConnect,
  onDisconnect,
  onMessage,
  type WsCloseInfo,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { TestClient, WsTestClient } from "../../src/testing/index.js";
import { recordingLogger, waitUntil } from "./helpers.js";

@injectable()
class Lobby extends BroadcastGroup {}

const events: string[] = [];
const Move = z.object({ x: z.number().int(), y: z.number().int() });
let built = 0;

@wsController("/arena")
class ArenaGateway {
  private readonly lobby = inject(Lobby);
  readonly serial = ++built;

  @onConnect
  async join({ ws }: WsCtx) {
    await this.lobby.subscribe("arena", ws);
    ws.sendJson({ welcome: ws.id, gateway: this.serial });
  }

  @onMessage("echo")
  echo({ ws, data }: WsCtx) {
    ws.sendJson({ echo: data });
  }

  @onMessage("move", { data: Move })
  move({ ws, data }: WsCtx<z.infer<typeof Move>>) {
    ws.sendJson({ moved: data.x + data.y });
  }

  @onMessage("shout")
  async shout({ ws, data }: WsCtx) {
    await this.lobby.broadcast("arena", { shout: data }, { exclude: ws });
  }

  @onMessage("crash")
  crash() {
    throw new TypeError("secret internals: db password is hunter2");
  }

  @onMessage("lookup")
  lookup() {
    throw new NotFoundError("no such sector", { sector: 9 });
  }

  @onDisconnect
  leave({ data }: WsCtx<WsCloseInfo>) {
    events.push(`left ${data.code}`);
  }
}

@controller("/health")
class HealthController {
  @get("/")
  health() {
    return { ok: true };
  }
}

@module({ controllers: [ArenaGateway, HealthController], providers: [Lobby] })
class ArenaModule {}

describe("WebSocket messages", { timeout: 30_000 }, () => {
  const logger = recordingLogger();
  const app = LaurenFactory.create(ArenaModule, { logger });
  const client = new WsTestClient(app);

  async function join() {
    const ws = await client.connect("/arena");
    const hello = await ws.receiveJson();
    return { ws, hello };
  }

  before(() => app.ensureStarted());
  after(async () => {
    await client.close();
    await app.shutdown();
  });

  test("frames are routed by event; the payload is `data` when present, else the whole frame", async () => {
    const { ws } = await join();
    ws.sendJson({ event: "echo", data: { text: "hi" } });
    assert.deepEqual(await ws.receiveJson(), { echo: { text: "hi" } });
    ws.sendJson({ event: "echo", text: "no data field" });
    assert.deepEqual(await ws.receiveJson(), { echo: { event: "echo", text: "no data field" } });
    ws.close();
    await ws.closed;
  });

  test("every connection gets its own gateway instance, built with inject()", async () => {
    const a = await join();
    const b = await join();
    assert.notEqual(a.hello.gateway, b.hello.gateway);
    assert.notEqual(a.hello.welcome, b.hello.welcome);
    a.ws.close();
    b.ws.close();
    await Promise.all([a.ws.closed, b.ws.closed]);
  });

  test("bad frames get a websocket_validation_error frame and the connection stays open", async () => {
    const { ws } = await join();
    ws.send("not json");
    const invalid = await ws.receiveJson();
    assert.equal(invalid.error.code, "websocket_validation_error");
    assert.match(invalid.error.message, /^invalid JSON frame: /);
    assert.deepEqual(invalid.error.detail, { fragment: "not json" });

    ws.send("[1,2]");
    assert.deepEqual(await ws.receiveJson(), {
      error: {
        code: "websocket_validation_error",
        message: "frame must be a JSON object with an 'event' field",
        detail: { received: "array" },
      },
    });
    ws.sendJson({ kind: "chat" });
    assert.deepEqual(await ws.receiveJson(), {
      error: { code: "websocket_validation_error", message: "frame missing required 'event' field", detail: { frame_keys: ["kind"] } },
    });
    ws.sendJson({ event: "dance" });
    assert.deepEqual(await ws.receiveJson(), {
      error: {
        code: "websocket_validation_error",
        message: "no handler for event 'dance'",
        detail: { event: "dance", known: ["echo", "move", "shout", "crash", "lookup"] },
      },
    });
    ws.raw.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await ws.receiveJson()).error.message, "binary frames are not supported; send JSON text frames");

    // Still open and still answering.
    ws.sendJson({ event: "echo", data: 1 });
    assert.deepEqual(await ws.receiveJson(), { echo: 1 });
    ws.close();
    await ws.closed;
  });

  test("a message schema validates the payload and types it for the handler", async () => {
    const { ws } = await join();
    ws.sendJson({ event: "move", data: { x: 2, y: 3 } });
    assert.deepEqual(await ws.receiveJson(), { moved: 5 });
    ws.sendJson({ event: "move", data: { x: "far", y: 3 } });
    const refused = await ws.receiveJson();
    assert.equal(refused.error.code, "websocket_validation_error");
    assert.equal(refused.error.message, "validation error");
    assert.equal(refused.error.detail.event, "move");
    assert.deepEqual(refused.error.detail.errors[0].path, ["x"]);
    ws.close();
    await ws.closed;
  });

  test("a throwing handler gets a generic internal-error frame; the stack and message stay in the log", async () => {
    const { ws } = await join();
    logger.entries.length = 0;
    ws.sendJson({ event: "crash" });
    const frame = await ws.receive();
    assert.equal(frame, '{"error":{"code":"websocket_error","message":"internal error","detail":{"type":"TypeError"}}}');
    assert.ok(!frame.includes("hunter2"));
    assert.ok(
      logger.entries.some((e) => e.level === "error" && String((e.fields?.error as Error | undefined)?.message).includes("hunter2")),
    );

    ws.sendJson({ event: "lookup" });
    assert.deepEqual(await ws.receiveJson(), { error: { code: "not_found", message: "no such sector", detail: { sector: 9 } } });
    ws.sendJson({ event: "echo", data: "still here" });
    assert.deepEqual(await ws.receiveJson(), { echo: "still here" });
    ws.close();
    await ws.closed;
  });

  test("a broadcast reaches the other members of the room and can leave out the sender", async () => {
    const a = await join();
    const b = await join();
    const c = await join();
    a.ws.sendJson({ event: "shout", data: "to arms" });
    assert.deepEqual(await b.ws.receiveJson(), { shout: "to arms" });
    assert.deepEqual(await c.ws.receiveJson(), { shout: "to arms" });
    await assert.rejects(a.ws.receive(150), /no WebSocket message/);
    for (const p of [a, b, c]) p.ws.close();
    await Promise.all([a.ws.closed, b.ws.closed, c.ws.closed]);
  });

  test("a frame over maxPayload closes that connection with 1009 and the server stays healthy", async () => {
    const { ws } = await join();
    const bystander = await join();
    ws.send(JSON.stringify({ event: "echo", data: "x".repeat(2 * 1024 * 1024) }));
    const closed = await ws.closed;
    assert.equal(closed.code, 1009);
    bystander.ws.sendJson({ event: "echo", data: "ok" });
    assert.deepEqual(await bystander.ws.receiveJson(), { echo: "ok" });
    bystander.ws.close();
    await bystander.ws.closed;
    const http = await new TestClient(app).get("/health/");
    assert.deepEqual(http.json(), { ok: true });
  });

  test("abrupt disconnects run @onDisconnect, leave the room and leave the server answering", async () => {
    const lobby = app.get(Lobby);
    await waitUntil(() => lobby.count("arena") === 0, "earlier connections left the room");
    events.length = 0;
    const peers = await Promise.all([join(), join(), join()]);
    assert.equal(lobby.count("arena"), 3);
    for (const p of peers) p.ws.raw.terminate();
    await waitUntil(() => events.length === 3, "@onDisconnect ran for every peer");
    assert.deepEqual(events, ["left 1006", "left 1006", "left 1006"]);
    assert.equal(lobby.count("arena"), 0);
    const { port } = await app.listen({ port: 0 });
    const res = await fetch(`http://127.0.0.1:${port}/health/`);
    assert.deepEqual(await res.json(), { ok: true });
    const after = await client.connect("/arena");
    assert.ok((await after.receiveJson()).welcome);
    after.close();
    await after.closed;
  });

  test("over plain HTTP a gateway path is not a route", async () => {
    const res = await new TestClient(app).get("/arena");
    assert.equal(res.status, 404);
    assert.equal(res.json().error.code, "route_not_found");
  });
});
