import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ConfigurationError, type LaurenApplication, LaurenFactory, module, onConnect, type WsCtx, wsController } from "../../src/index.js";
import { WsHandshakeError, WsTestClient } from "../../src/testing/index.js";
import { firstAnswer, rawExchange, splitResponse } from "./support.js";

@wsController("/comms")
class CommsGateway {
  @onConnect
  hello({ ws }: WsCtx) {
    ws.sendJson({ welcome: true });
  }
}

@wsController("/lobby", { allowedOrigins: "*" })
class LobbyGateway {
  @onConnect
  hello({ ws }: WsCtx) {
    ws.sendJson({ lobby: true });
  }
}

@module({ controllers: [CommsGateway, LobbyGateway] })
class CommsModule {}

async function refusal(attempt: Promise<unknown>): Promise<WsHandshakeError> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof WsHandshakeError) return error;
    throw error;
  }
  throw new Error("the upgrade was accepted");
}

function handshake(path: string, headers: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${headers}\r\n`;
}

describe("WebSocket Origin check (on by default)", () => {
  let app: LaurenApplication;
  let client: WsTestClient;
  let url: string;
  before(async () => {
    app = LaurenFactory.create(CommsModule, { logger: false });
    ({ url } = await app.listen({ port: 0 }));
    client = new WsTestClient(app);
  });
  after(async () => {
    await client.close();
    await app.shutdown();
  });

  it("refuses a page from another site with 403 and the envelope", async () => {
    const refused = await refusal(client.connect("/comms", { origin: "https://evil.example" }));
    assert.equal(refused.status, 403);
    assert.equal(refused.body, '{"error":{"code":"forbidden","message":"origin not allowed","detail":{"origin":"https://evil.example"}}}');
  });

  it("refuses Origin: null", async () => {
    assert.equal((await refusal(client.connect("/comms", { origin: "null" }))).status, 403);
  });

  it("accepts a client that sends no Origin (not a browser)", async () => {
    const ws = await client.connect("/comms");
    assert.deepEqual(await ws.receiveJson(), { welcome: true });
  });

  it("accepts a page served by the app itself (Origin host = Host)", async () => {
    const ws = await client.connect("/comms", { origin: url });
    assert.deepEqual(await ws.receiveJson(), { welcome: true });
    const port = new URL(url).port;
    // Same host on another port is another origin.
    const other = await refusal(client.connect("/comms", { origin: `http://127.0.0.1:${Number(port) + 1}` }));
    assert.equal(other.status, 403);
  });

  it("compares a scheme's default port written or not", async () => {
    const viaProxy = (host: string, origin: string) =>
      firstAnswer(url, handshake("/comms", `Origin: ${origin}\r\n`).replace("Host: 127.0.0.1", `Host: ${host}`));
    assert.match(await viaProxy("hq.example", "https://hq.example:443"), /^HTTP\/1.1 101 /);
    assert.match(await viaProxy("hq.example:443", "https://hq.example"), /^HTTP\/1.1 101 /);
    assert.match(await viaProxy("hq.example:80", "https://hq.example"), /^HTTP\/1.1 403 /);
  });

  it("lets a gateway turn the check off with allowedOrigins: '*'", async () => {
    const ws = await client.connect("/lobby", { origin: "https://evil.example" });
    assert.deepEqual(await ws.receiveJson(), { lobby: true });
  });

  it("admits the origins listed in the app's wsAllowedOrigins", async () => {
    const listed = LaurenFactory.create(CommsModule, { logger: false, wsAllowedOrigins: ["https://HQ.example/"] });
    const listedClient = new WsTestClient(listed);
    try {
      const ws = await listedClient.connect("/comms", { origin: "https://hq.example" });
      assert.deepEqual(await ws.receiveJson(), { welcome: true });
      assert.equal((await refusal(listedClient.connect("/comms", { origin: "https://evil.example" }))).status, 403);
    } finally {
      await listedClient.close();
      await listed.shutdown();
    }
  });

  it("refuses an allowlist entry that is not an origin at start-up", () => {
    for (const bad of ["hq.example", "https://hq.example/path", "null", "*.example.com"]) {
      assert.throws(
        () => LaurenFactory.create(CommsModule, { logger: false, wsAllowedOrigins: [bad] }),
        (error: unknown) => error instanceof ConfigurationError && /scheme:\/\/host\[:port\]/.test(error.message),
        bad,
      );
    }
  });

  it("a refusal on a raw socket is one well-formed HTTP answer", async () => {
    const { status, headers, body } = splitResponse(await rawExchange(url, handshake("/comms", "Origin: https://evil.example\r\n")));
    assert.equal(status, 403);
    assert.deepEqual(headers, ["connection: close", "content-type: application/json", `content-length: ${Buffer.byteLength(body)}`]);
    assert.equal(JSON.parse(body).error.code, "forbidden");
  });
});
