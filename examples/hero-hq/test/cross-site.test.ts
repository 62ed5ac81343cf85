/**
 * Hero HQ's login and logout are protected from cross-site requests by default: a form
 * another site posts at /me/logout cannot end the hero's session, while the tutorial's curl
 * flow (no Origin) and the app's own pages keep working.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };
const COOKIE = "lauren_session";

async function volt(client: TestClient): Promise<string> {
  const hero = await client.post("/heroes/", { json: { name: "Volt", power: "lightning", wattage: 9001 }, headers: BADGE });
  const login = await client.post("/me/login", { json: { hero_id: hero.json().id } });
  assert.equal(login.status, 200);
  return login.cookie(COOKIE)?.value as string;
}

async function identified(client: TestClient, cookie: string): Promise<boolean> {
  return (await client.get("/me/", { cookies: { [COOKIE]: cookie } })).json().identified;
}

describe("Hero HQ against cross-site requests", () => {
  for (const headers of [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }]) {
    test(`POST /me/logout with ${JSON.stringify(headers)} is 403 and the session survives`, async () => {
      const client = new TestClient(buildApp({ logger: false }));
      const cookie = await volt(client);
      const res = await client.post("/me/logout", { cookies: { [COOKIE]: cookie }, headers });
      assert.equal(res.status, 403);
      assert.equal(res.json().error.code, "cross_origin_request");
      assert.equal(res.headers["set-cookie"], undefined);
      assert.equal(await identified(client, cookie), true);
    });
  }

  test("the same logout without Origin, or from the app's own origin, works", async () => {
    const client = new TestClient(buildApp({ logger: false }));
    const plain = await volt(client);
    assert.deepEqual((await client.post("/me/logout", { cookies: { [COOKIE]: plain } })).json(), { farewell: true });
    assert.equal(await identified(client, plain), false);
    const own = await volt(client);
    const res = await client.post("/me/logout", {
      cookies: { [COOKIE]: own },
      headers: { origin: "http://127.0.0.1:8000", host: "127.0.0.1:8000", "sec-fetch-site": "same-origin" },
    });
    assert.deepEqual(res.json(), { farewell: true });
    assert.equal(await identified(client, own), false);
  });

  test("a cross-site login (login CSRF) is refused and sets no cookie", async () => {
    const client = new TestClient(buildApp({ logger: false }));
    await volt(client);
    const res = await client.post("/me/login", { json: { hero_id: 1 }, headers: { origin: "https://evil.example" } });
    assert.equal(res.status, 403);
    assert.equal(res.headers["set-cookie"], undefined);
  });
});
