/**
 * Live revocation in Hero HQ: a comms WebSocket opened with a hero's session closes (code
 * 4401) within a second of that session's logout over HTTP; other heroes stay on the channel.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TestClient, type TestWebSocket, WsTestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };
const COOKIE = "lauren_session";

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

test("logging out over HTTP closes the hero's comms socket within a second", async () => {
  const app = buildApp({ logger: false });
  const http = new TestClient(app);
  const comms = new WsTestClient(app);
  try {
    for (const name of ["Volt", "Nova"]) {
      await http.post("/heroes/", { json: { name, power: "light", wattage: 10 }, headers: BADGE });
    }
    const volt = (await http.post("/me/login", { json: { hero_id: 1 } })).cookie(COOKIE)?.value as string;
    const nova = (await http.post("/me/login", { json: { hero_id: 2 } })).cookie(COOKIE)?.value as string;
    const voltSocket: TestWebSocket = await comms.connect("/comms", { cookies: { [COOKIE]: volt } });
    const novaSocket = await comms.connect("/comms", { cookies: { [COOKIE]: nova } });
    voltSocket.sendJson({ event: "chat", text: "on my way" });
    assert.deepEqual(await novaSocket.receiveJson(), { chat: "on my way" });

    const logout = await http.post("/me/logout", { cookies: { [COOKIE]: volt } });
    assert.deepEqual(logout.json(), { farewell: true });
    assert.deepEqual(await within(voltSocket.closed, 1000, "the close"), { code: 4401, reason: "session ended: logout" });

    novaSocket.sendJson({ event: "chat", text: "still here" });
    assert.deepEqual(await novaSocket.receiveJson(), { chat: "still here" });
  } finally {
    await comms.close();
    await app.shutdown();
  }
});
