import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { type Ctx, controller, get, LaurenFactory, module } from "../../src/index.js";
import { recordingLogger, send } from "./support.js";

@controller("/heroes")
class HeroController {
  @get("/")
  list() {
    return [{ id: 1, name: "Volt" }];
  }

  @get("/{id}")
  one({ params }: Ctx) {
    return { id: params.id };
  }
}

@module({ controllers: [HeroController] })
class ServerModule {}

describe("serving over HTTP", () => {
  it("listen({ port: 0 }) picks a free port, returns its URL and serves requests", async () => {
    const logger = recordingLogger();
    const app = LaurenFactory.create(ServerModule, { logger });
    const { url, port, host } = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      assert.equal(host, "127.0.0.1");
      assert.ok(port > 0);
      assert.equal(url, `http://127.0.0.1:${port}`);
      const res = await send(`${url}/heroes`);
      assert.equal(res.status, 200);
      assert.equal(res.headers["content-type"], "application/json");
      assert.equal(res.text, '[{"id":1,"name":"Volt"}]');
      const messages = logger.entries.map((e) => e.message);
      assert.ok(
        messages.some((m) => m.includes("GET /heroes") && m.includes("HeroController.list")),
        messages.join("\n"),
      );
      assert.ok(messages.includes(`listening on ${url}`), messages.join("\n"));
    } finally {
      await app.close();
    }
  });

  it("answers HEAD over HTTP with the GET headers and no body", async () => {
    const app = LaurenFactory.create(ServerModule, { logger: false });
    const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const res = await send(`${url}/heroes/7`, { method: "HEAD" });
      assert.equal(res.status, 200);
      assert.equal(res.headers["content-length"], String(Buffer.byteLength('{"id":"7"}')));
      assert.equal(res.text, "");
    } finally {
      await app.close();
    }
  });

  it("app.handler serves requests from a server the user created", async () => {
    const app = LaurenFactory.create(ServerModule, { logger: false });
    await app.startup();
    const server = createServer(app.handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await send(`http://127.0.0.1:${port}/heroes/3`);
      assert.equal(res.status, 200);
      assert.equal(res.text, '{"id":"3"}');
      const missing = await send(`http://127.0.0.1:${port}/nope`);
      assert.equal(missing.status, 404);
      assert.equal(missing.text, '{"error":{"code":"route_not_found","message":"No route matches GET /nope","detail":{}}}');
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await app.close();
    }
  });
});
