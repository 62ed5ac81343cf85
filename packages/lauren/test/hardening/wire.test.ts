import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  type Ctx,
  controller,
  type ExecutionContext,
  type Guard,
  get,
  HttpError,
  type LaurenApplication,
  LaurenFactory,
  module,
  onConnect,
  post,
  SERVER_LIMITS,
  type StandardSchemaV1,
  useGuards,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { send } from "../support/http-client.js";
import { rawExchange, splitResponse } from "./support.js";

class TeapotError extends HttpError {
  static override status = 418;
  static override code = "teapot";
}

/** A careless guard: it copies a query value into its error's headers. */
class EchoGuard implements Guard {
  canActivate(ctx: ExecutionContext): boolean {
    const raw = ctx.request.url.split("hint=")[1] ?? "";
    throw new TeapotError("no", {}, { headers: { "x-hint": decodeURIComponent(raw), "x-fine": "yes" } });
  }
}

const Anything: StandardSchemaV1<unknown, unknown> = {
  "~standard": { version: 1, vendor: "test", validate: (value) => ({ value }) },
};

@controller("/")
class PlainController {
  @get("/heroes")
  heroes() {
    return [{ id: 1, name: "Volt" }];
  }

  @post("/echo", { body: Anything })
  echo({ body }: Ctx<{ body: typeof Anything }>) {
    return { got: body };
  }

  @get("/guarded")
  @useGuards(EchoGuard)
  guarded() {
    return { never: true };
  }
}

@wsController("/guarded-ws")
@useGuards(EchoGuard)
class GuardedGateway {
  @onConnect
  hello({ ws }: WsCtx) {
    ws.sendJson({ never: true });
  }
}

@module({ controllers: [PlainController, GuardedGateway], providers: [EchoGuard] })
class WireModule {}

const UPGRADE_H2C = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n";
const INJECTION = encodeURIComponent("x\r\nx-injected: 1\r\n\r\n<html>");

describe("answers on the wire", () => {
  let app: LaurenApplication;
  let url: string;
  before(async () => {
    app = LaurenFactory.create(WireModule, { logger: false });
    ({ url } = await app.listen({ port: 0 }));
  });
  after(() => app.shutdown());

  it("a WebSocket refusal never writes a header value carrying CR/LF", async () => {
    const request =
      `GET /guarded-ws?hint=${INJECTION} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    const { status, headers, body } = splitResponse(await rawExchange(url, request));
    assert.equal(status, 418);
    assert.ok(!headers.some((h) => h.toLowerCase().startsWith("x-injected")), headers.join(" | "));
    assert.ok(!headers.some((h) => h.toLowerCase().startsWith("x-hint")), headers.join(" | "));
    assert.ok(headers.includes("x-fine: yes"));
    assert.equal(body, '{"error":{"code":"teapot","message":"no","detail":{}}}');
  });

  it("a plain HTTP error with such a header still answers, without it", async () => {
    const res = await send(`${url}/guarded?hint=${INJECTION}`);
    assert.equal(res.status, 418);
    assert.equal(res.headers["x-injected"], undefined);
    assert.equal(res.headers["x-hint"], undefined);
    assert.equal(res.headers["x-fine"], "yes");
    assert.equal(res.text, '{"error":{"code":"teapot","message":"no","detail":{}}}');
  });

  it("an h2c upgrade offer (curl --http2) to a plain route gets the route's answer", async () => {
    const answer = await rawExchange(url, `GET /heroes/ HTTP/1.1\r\nHost: 127.0.0.1\r\n${UPGRADE_H2C}\r\n`);
    const { status, headers, body } = splitResponse(answer);
    assert.equal(status, 200);
    assert.ok(headers.some((h) => h.toLowerCase() === "connection: close"));
    assert.equal(body, '[{"id":1,"name":"Volt"}]');
  });

  it("an upgrade offer with a JSON body reaches the handler with its body", async () => {
    const json = '{"name":"Volt","list":[1,2,3]}';
    const answer = await rawExchange(
      url,
      `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n${UPGRADE_H2C}content-type: application/json\r\ncontent-length: ${json.length}\r\n\r\n${json}`,
    );
    const { status, body } = splitResponse(answer);
    assert.equal(status, 200);
    assert.equal(body, `{"got":${json}}`);
  });

  it("an upgrade to a path nobody serves is a 404 with the envelope", async () => {
    const answer = await rawExchange(
      url,
      "GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    const { status, body } = splitResponse(answer);
    assert.equal(status, 404);
    assert.equal(body, '{"error":{"code":"route_not_found","message":"No route matches GET /nope","detail":{}}}');
  });

  it("a request node's parser refuses is a 400 with the envelope", async () => {
    const { status, headers, body } = splitResponse(await rawExchange(url, "GET / HTTP/1.1\r\nHost: a\r\nbad header\r\n\r\n"));
    assert.equal(status, 400);
    assert.ok(headers.includes("connection: close"));
    assert.equal(body, '{"error":{"code":"bad_request","message":"malformed HTTP request","detail":{}}}');
  });

  it("an oversized head is a 431 with the envelope", async () => {
    const big = "x".repeat(SERVER_LIMITS.maxHeaderSize + 100);
    const { status, body } = splitResponse(await rawExchange(url, `GET / HTTP/1.1\r\nHost: a\r\nx-big: ${big}\r\n\r\n`));
    assert.equal(status, 431);
    assert.equal(
      body,
      `{"error":{"code":"request_header_fields_too_large","message":"request headers exceed ${SERVER_LIMITS.maxHeaderSize} bytes","detail":{"max_header_size":${SERVER_LIMITS.maxHeaderSize}}}}`,
    );
  });

  it("listen() cuts slow headers within 20 s", () => {
    const server = app.server as Server;
    assert.ok(server.headersTimeout + SERVER_LIMITS.connectionsCheckingInterval <= 20_000, String(server.headersTimeout));
  });
});

describe("timeouts answer 408 with the envelope", () => {
  let app: LaurenApplication;
  let server: Server;
  let url: string;
  before(async () => {
    app = LaurenFactory.create(WireModule, { logger: false });
    await app.startup();
    server = createServer({ connectionsCheckingInterval: 50 });
    server.headersTimeout = 300;
    server.requestTimeout = 600;
    app.attach(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.shutdown();
  });

  it("headers that never finish", async () => {
    const { status, body } = splitResponse(await rawExchange(url, "GET /heroes HTTP/1.1\r\nHost: a\r\nx-slow: ", 5000));
    assert.equal(status, 408);
    assert.equal(body, '{"error":{"code":"request_timeout","message":"the request took too long to arrive","detail":{}}}');
  });

  it("a body that stalls", async () => {
    const answer = await rawExchange(
      url,
      'POST /echo HTTP/1.1\r\nHost: a\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a":',
      5000,
    );
    assert.equal(splitResponse(answer).status, 408);
  });
});
