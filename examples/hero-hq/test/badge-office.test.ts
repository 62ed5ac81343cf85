/** Tutorial step 8: sessions, with the cookie passed back by hand and with the cookie jar. */
// --8<-- [start:code]
import assert from "node:assert/strict";
import { test } from "node:test";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };
const VOLT = { name: "Volt", power: "lightning", wattage: 9001 };

test("a logged-in hero is remembered when the cookie comes back", async () => {
  const hq = new TestClient(buildApp({ logger: false }));
  const { id } = (await hq.post("/heroes/", { json: VOLT, headers: BADGE })).json();

  const login = await hq.post("/me/login", { json: { hero_id: id } });
  const cookie = login.cookie("lauren_session");
  assert.ok(cookie !== undefined, "login sets the session cookie");
  assert.equal(cookie.httpOnly, true);

  // Without a jar, nothing is sent back unless the test says so.
  assert.deepEqual((await hq.get("/me/")).json(), { identified: false });
  const me = await hq.get("/me/", { cookies: { lauren_session: cookie.value } });
  assert.deepEqual(me.json(), { identified: true, hero_id: id, name: "Volt" });
});

test("with the cookie jar the client behaves like a browser, logout included", async () => {
  const browser = new TestClient(buildApp({ logger: false }), { cookieJar: true });
  const { id } = (await browser.post("/heroes/", { json: VOLT, headers: BADGE })).json();

  await browser.post("/me/login", { json: { hero_id: id } });
  assert.deepEqual((await browser.get("/me/")).json(), { identified: true, hero_id: id, name: "Volt" });

  const logout = await browser.post("/me/logout");
  assert.equal(logout.cookie("lauren_session")?.maxAge, 0, "logout expires the cookie");
  assert.deepEqual((await browser.get("/me/")).json(), { identified: false });
});

test("logging in as a hero HQ has never heard of is a 401", async () => {
  const res = await new TestClient(buildApp({ logger: false })).post("/me/login", { json: { hero_id: 999 } });
  assert.equal(res.status, 401);
  assert.equal(res.json().error.code, "unauthorized");
});
// --8<-- [end:code]
