import assert from "node:assert/strict";
import { connect } from "node:net";
import { Duplex } from "node:stream";
import { after, before, describe, it } from "node:test";
import {
  type ExecutionContext,
  type Guard,
  type LaurenApplication,
  LaurenFactory,
  module,
  onConnect,
  useGuards,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { refuseMalformed } from "../../src/realtime/ws/handshake.js";
import { rawExchange, splitResponse } from "./support.js";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

/** Counts the handshakes that got as far as the guards. */
class CountingGuard implements Guard {
  static seen = 0;
  canActivate(_ctx: ExecutionContext): boolean {
    CountingGuard.seen++;
    return true;
  }
}

@wsController("/comms")
@useGuards(CountingGuard)
class CommsGateway {
  @onConnect
  hello({ ws }: WsCtx) {
    ws.sendJson({ welcome: true });
  }
}

@module({ controllers: [CommsGateway], providers: [CountingGuard] })
class CommsModule {}

/** A handshake to /comms with these header lines instead of the usual ones. */
function handshake(lines: Record<string, string | null>, method = "GET"): string {
  const headers: Record<string, string | null> = {
    Host: "127.0.0.1",
    Connection: "Upgrade",
    Upgrade: "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": KEY,
    ...lines,
  };
  const head = Object.entries(headers)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  return `${method} /comms HTTP/1.1\r\n${head}\r\n`;
}

describe("malformed WebSocket handshakes are refused with the JSON envelope", () => {
  let app: LaurenApplication;
  let url: string;
  before(async () => {
    app = LaurenFactory.create(CommsModule, { logger: false });
    ({ url } = await app.listen({ port: 0, host: "127.0.0.1" }));
  });
  after(() => app.shutdown());

  /** Sends `request` on a raw socket; checks the answer is one JSON error, then returns it. */
  async function refusal(request: string): Promise<{ status: number; headers: string[]; error: { code: string; message: string } }> {
    const before = CountingGuard.seen;
    const answer = splitResponse(await rawExchange(url, request));
    const { status, body } = answer;
    const headers = answer.headers.map((h) => h.toLowerCase());
    assert.ok(headers.includes("connection: close"), headers.join(" | "));
    assert.ok(headers.includes("content-type: application/json"), headers.join(" | "));
    assert.ok(headers.includes(`content-length: ${Buffer.byteLength(body)}`), headers.join(" | "));
    assert.equal(CountingGuard.seen, before, "a refused handshake never reaches the guards");
    return { status, headers, error: (JSON.parse(body) as { error: { code: string; message: string } }).error };
  }

  it("a malformed Sec-WebSocket-Key", async () => {
    for (const key of ["short", `${KEY}x`, "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25j!Q=="]) {
      const { status, error } = await refusal(handshake({ "Sec-WebSocket-Key": key }));
      assert.equal(status, 400, key);
      assert.deepEqual(error, {
        code: "bad_request",
        message: "invalid WebSocket handshake: missing or malformed Sec-WebSocket-Key",
        detail: {},
      });
    }
  });

  it("a missing Sec-WebSocket-Key", async () => {
    const { status, error } = await refusal(handshake({ "Sec-WebSocket-Key": null }));
    assert.equal(status, 400);
    assert.equal(error.message, "invalid WebSocket handshake: missing or malformed Sec-WebSocket-Key");
  });

  it("an unsupported or missing Sec-WebSocket-Version names the versions spoken", async () => {
    for (const version of ["12", "abc", null]) {
      const { status, headers, error } = await refusal(handshake({ "Sec-WebSocket-Version": version }));
      assert.equal(status, 400, String(version));
      assert.ok(headers.includes("sec-websocket-version: 13, 8"), headers.join(" | "));
      assert.deepEqual(error, {
        code: "bad_request",
        message: "invalid WebSocket handshake: unsupported Sec-WebSocket-Version",
        detail: { supported: [13, 8] },
      });
    }
  });

  it("an Upgrade header that offers websocket among others", async () => {
    const { status, error } = await refusal(handshake({ Upgrade: "websocket, h2c" }));
    assert.equal(status, 400);
    assert.equal(error.message, "invalid WebSocket handshake: Upgrade must be exactly websocket");
  });

  it("a malformed Sec-WebSocket-Protocol", async () => {
    for (const protocols of ["chat, chat", "ch@t", "chat,", "chat,,json"]) {
      const { status, error } = await refusal(handshake({ "Sec-WebSocket-Protocol": protocols }));
      assert.equal(status, 400, protocols);
      assert.deepEqual(error, {
        code: "bad_request",
        message: "invalid WebSocket handshake: malformed Sec-WebSocket-Protocol",
        detail: {},
      });
    }
  });

  it("a POST or an h2c offer to a gateway's path is served as a plain request: 404 with the envelope", async () => {
    for (const request of [handshake({}, "POST"), handshake({ Upgrade: "h2c", "Sec-WebSocket-Key": null })]) {
      const { status, error } = await refusal(request);
      assert.equal(status, 404);
      assert.equal(error.code, "route_not_found");
    }
  });

  it("a well-formed handshake on the same server still opens the socket", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(url).port), "127.0.0.1");
      let text = "";
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString("latin1");
        if (text.includes("welcome")) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on("error", reject);
      socket.write(handshake({ "Sec-WebSocket-Version": "8", "Sec-WebSocket-Protocol": "chat, json" }));
    });
    assert.match(answer, /^HTTP\/1\.1 101 /);
  });
});

describe("a handshake ws would still refuse itself", () => {
  it("is answered with the envelope through ws's wsClientError hook", async () => {
    const sent: Buffer[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, done) {
        sent.push(chunk);
        done();
      },
    });
    const closed = new Promise((resolve) => socket.once("close", resolve));
    refuseMalformed(new Error("Invalid Sec-WebSocket-Extensions header"), socket);
    await closed;
    const { status, body } = splitResponse(Buffer.concat(sent).toString());
    assert.equal(status, 400);
    assert.equal(
      body,
      '{"error":{"code":"bad_request","message":"invalid WebSocket handshake: invalid Sec-WebSocket-Extensions header","detail":{}}}',
    );
  });
});
