/**
 * Hero HQ's session defences over a real socket, as a browser or curl would meet them: a
 * cross-site logout is refused and the session survives; the same logout with no Origin or
 * from HQ's own origin works; and a logout over HTTP closes the hero's comms WebSocket
 * within a second.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { LaurenApplication } from "lauren";
import { type TestWebSocket, WsTestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";
import { call } from "./wire.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };
const JSON_BODY = { "content-type": "application/json" };
const LOGIN_COOKIE = /^lauren_session=([^;]+); Max-Age=1209600; Path=\/; HttpOnly; SameSite=Lax$/;
const LOGOUT_COOKIE = "lauren_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax";

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describe("Hero HQ's session defences over a real socket", { timeout: 30_000 }, () => {
  let app: LaurenApplication;
  let url: string;

  before(async () => {
    app = buildApp({ logger: false });
    url = (await app.listen({ port: 0, host: "127.0.0.1" })).url;
    for (const name of ["Volt", "Nova"]) {
      const res = await call(`${url}/heroes/`, "POST", { ...JSON_BODY, ...BADGE }, JSON.stringify({ name, power: "light", wattage: 10 }));
      assert.equal(res.status, 201);
    }
  });

  after(() => app.shutdown());

  /** Logs in as hero `id` over the wire; resolves with the `lauren_session=…` pair to send back. */
  async function login(id: number): Promise<string> {
    const res = await call(`${url}/me/login`, "POST", JSON_BODY, JSON.stringify({ hero_id: id }));
    assert.equal(res.status, 200, res.text);
    const match = LOGIN_COOKIE.exec(res.headers["set-cookie"]?.[0] ?? "");
    assert.ok(match !== null, String(res.headers["set-cookie"]));
    return `lauren_session=${match[1]}`;
  }

  async function whoami(cookie: string): Promise<string> {
    return (await call(`${url}/me/`, "GET", { cookie })).text;
  }

  for (const headers of [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }]) {
    test(`POST /me/logout with ${JSON.stringify(headers)} is 403 cross_origin_request and the session survives`, async () => {
      const cookie = await login(1);
      const res = await call(`${url}/me/logout`, "POST", { cookie, ...headers });
      assert.equal(res.status, 403);
      assert.equal(JSON.parse(res.text).error.code, "cross_origin_request");
      assert.equal(res.headers["set-cookie"], undefined);
      assert.equal(await whoami(cookie), '{"identified":true,"hero_id":1,"name":"Volt"}');
    });
  }

  test("the same logout with no Origin, or from HQ's own origin, logs out", async () => {
    for (const headers of [{}, { origin: url, "sec-fetch-site": "same-origin" }, { origin: url }]) {
      const cookie = await login(1);
      const res = await call(`${url}/me/logout`, "POST", { cookie, ...headers });
      assert.deepEqual(
        [res.status, res.text, res.headers["set-cookie"]],
        [200, '{"farewell":true}', [LOGOUT_COOKIE]],
        JSON.stringify(headers),
      );
      assert.equal(await whoami(cookie), '{"identified":false}');
    }
  });

  test("a logout over HTTP closes that hero's comms WebSocket within a second; another hero stays", async () => {
    const comms = new WsTestClient(app); // connects to the server listen() started
    try {
      const volt = await login(1);
      const nova = await login(2);
      const voltSocket: TestWebSocket = await comms.connect("/comms", { headers: { cookie: volt } });
      const novaSocket = await comms.connect("/comms", { headers: { cookie: nova } });
      voltSocket.sendJson({ event: "chat", text: "on my way" });
      assert.deepEqual(await novaSocket.receiveJson(), { chat: "on my way" });

      const logout = await call(`${url}/me/logout`, "POST", { cookie: volt });
      assert.equal(logout.text, '{"farewell":true}');
      assert.deepEqual(await within(voltSocket.closed, 1000, "the close"), { code: 4401, reason: "session ended: logout" });

      novaSocket.sendJson({ event: "chat", text: "still here" });
      assert.deepEqual(await novaSocket.receiveJson(), { chat: "still here" });
    } finally {
      await comms.close();
    }
  });
});
