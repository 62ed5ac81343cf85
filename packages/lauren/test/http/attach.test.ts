import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { WebSocket } from "ws";
import { controller, get, LaurenFactory, module, onMessage, type WsCtx, wsController } from "../../src/index.js";

@controller("/ping")
class PingController {
  @get("/")
  ping() {
    return { pong: true };
  }
}

@wsController("/echo")
class EchoGateway {
  @onMessage("say")
  say({ ws, data }: WsCtx) {
    ws.sendJson({ echo: data });
  }
}

@module({ controllers: [PingController, EchoGateway] })
class AttachModule {}

test("app.attach() serves requests and WebSocket upgrades on a server the user created", async () => {
  const app = LaurenFactory.create(AttachModule, { logger: false });
  await app.startup();
  const server = createServer();
  app.attach(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/ping/`)).json(), { pong: true });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const reply = new Promise<string>((resolve) => ws.once("message", (m) => resolve(String(m))));
    ws.send(JSON.stringify({ event: "say", data: "hi" }));
    assert.deepEqual(JSON.parse(await reply), { echo: "hi" });
    ws.close();
    const refused = new WebSocket(`ws://127.0.0.1:${port}/nowhere`);
    refused.on("error", () => {});
    const status = await new Promise<number | undefined>((resolve) =>
      refused.once("unexpected-response", (req, res) => {
        resolve(res.statusCode);
        req.destroy();
      }),
    );
    assert.equal(status, 404);
  } finally {
    await app.shutdown();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
