/**
 * Tutorial step 6 ("Who are you, really?"): every session assertion of the original's Hero
 * HQ suite, plus the tutorial's curl flow answer for answer: threading the cookie by hand,
 * with the TestClient's jar, and once over real HTTP.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TestClient, type TestResponse } from "lauren/testing";
import { buildApp } from "../src/main.js";
import { call } from "./wire.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };
const VOLT = { name: "Volt", power: "lightning", wattage: 9001 };
const COOKIE = "lauren_session";
const LOGIN_COOKIE = /^lauren_session=([A-Za-z0-9_-]{43}\.[0-9a-f]{64}); Max-Age=1209600; Path=\/; HttpOnly; SameSite=Lax$/;
const LOGOUT_COOKIE = "lauren_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax";
const ANONYMOUS = '{"identified":false}';
const VOLT_IDENTIFIED = '{"identified":true,"hero_id":1,"name":"Volt"}';
const UNKNOWN_HERO = '{"error":{"code":"unauthorized","message":"no such hero to log in as","detail":{"hero_id":999}}}';

async function recruitVolt(client: TestClient): Promise<number> {
  const res = await client.post("/heroes/", { json: VOLT, headers: BADGE });
  assert.equal(res.status, 201);
  return res.json().id;
}

/** The session cookie's value, after checking the whole Set-Cookie line. */
function loginCookie(res: TestResponse): string {
  const line = res.headers["set-cookie"];
  assert.equal(typeof line, "string", "exactly one Set-Cookie");
  const match = LOGIN_COOKIE.exec(line as string);
  assert.ok(match !== null, `unexpected Set-Cookie: ${String(line)}`);
  return match[1] as string;
}

const idOf = (cookie: string): string => cookie.slice(0, cookie.lastIndexOf("."));

describe("the original's TestSessions", () => {
  test("an anonymous visitor is unidentified", async () => {
    assert.deepEqual((await new TestClient(buildApp({ logger: false })).get("/me/")).json(), { identified: false });
  });

  test("login, then whoami", async () => {
    const client = new TestClient(buildApp({ logger: false }));
    const heroId = await recruitVolt(client);
    const login = await client.post("/me/login", { json: { hero_id: heroId } });
    assert.deepEqual(login.json(), { welcome: "Volt" });
    const sid = login.cookie(COOKIE)?.value;
    assert.ok(sid !== undefined);
    const who = await client.get("/me/", { cookies: { [COOKIE]: sid } });
    assert.deepEqual(who.json(), { identified: true, hero_id: heroId, name: "Volt" });
  });

  test("logout clears the identity", async () => {
    const client = new TestClient(buildApp({ logger: false }));
    const heroId = await recruitVolt(client);
    const sid = (await client.post("/me/login", { json: { hero_id: heroId } })).cookie(COOKIE)?.value as string;
    const out = await client.post("/me/logout", { cookies: { [COOKIE]: sid } });
    assert.deepEqual(out.json(), { farewell: true });
    assert.match(out.header("set-cookie") ?? "", /Max-Age=0/);
    // The old cookie no longer identifies anyone.
    assert.deepEqual((await client.get("/me/", { cookies: { [COOKIE]: sid } })).json(), { identified: false });
  });

  test("logging in as an unknown hero is a 401", async () => {
    const res = await new TestClient(buildApp({ logger: false })).post("/me/login", { json: { hero_id: 999 } });
    assert.equal(res.status, 401);
  });
});

describe("the tutorial's flow, cookie threaded by hand", () => {
  test("anonymous, login, whoami, logout, replay, re-login: exact bodies and Set-Cookie lines", async () => {
    const hq = new TestClient(buildApp({ logger: false }));
    assert.equal(await recruitVolt(hq), 1);

    const before = await hq.get("/me/");
    assert.deepEqual([before.status, before.text, before.headers["set-cookie"]], [200, ANONYMOUS, undefined]);

    const login = await hq.post("/me/login", { json: { hero_id: 1 } });
    assert.deepEqual([login.status, login.text], [200, '{"welcome":"Volt"}']);
    const cookie = loginCookie(login);

    const me = await hq.get("/me/", { cookies: { [COOKIE]: cookie } });
    assert.equal(me.text, VOLT_IDENTIFIED);
    assert.equal(me.headers["set-cookie"], undefined, "a pure read sends no cookie");
    const roster = await hq.get("/heroes/", { cookies: { [COOKIE]: cookie } });
    assert.equal(roster.headers["set-cookie"], undefined, "nor does any other read");

    const relogin = await hq.post("/me/login", { json: { hero_id: 1 }, cookies: { [COOKIE]: cookie } });
    const rotated = loginCookie(relogin);
    assert.notEqual(idOf(rotated), idOf(cookie), "logging in again rotates the id");
    assert.equal((await hq.get("/me/", { cookies: { [COOKIE]: cookie } })).text, ANONYMOUS, "the pre-login cookie is dead");

    const logout = await hq.post("/me/logout", { cookies: { [COOKIE]: rotated } });
    assert.equal(logout.text, '{"farewell":true}');
    assert.equal(logout.headers["set-cookie"], LOGOUT_COOKIE);
    const replay = await hq.get("/me/", { cookies: { [COOKIE]: rotated } });
    assert.deepEqual([replay.text, replay.headers["set-cookie"]], [ANONYMOUS, undefined], "the old cookie is anonymous");
  });

  test("logout always expires the cookie, even without one", async () => {
    const res = await new TestClient(buildApp({ logger: false })).post("/me/logout");
    assert.deepEqual([res.status, res.text, res.headers["set-cookie"]], [200, '{"farewell":true}', LOGOUT_COOKIE]);
  });

  test("an unknown hero is a 401 with the exact envelope, and no cookie", async () => {
    const hq = new TestClient(buildApp({ logger: false }));
    await recruitVolt(hq);
    const res = await hq.post("/me/login", { json: { hero_id: 999 } });
    assert.deepEqual([res.status, res.text, res.headers["set-cookie"]], [401, UNKNOWN_HERO, undefined]);
  });

  test("tampered, unknown and garbage cookies are silently anonymous", async () => {
    const hq = new TestClient(buildApp({ logger: false }));
    await recruitVolt(hq);
    const cookie = loginCookie(await hq.post("/me/login", { json: { hero_id: 1 } }));
    const tampered = `${cookie.slice(0, -1)}${cookie.endsWith("0") ? "1" : "0"}`;
    const forged = `${"A".repeat(43)}.${cookie.slice(44)}`;
    for (const value of [tampered, forged, "garbage", `${cookie}.x`]) {
      const res = await hq.get("/me/", { cookies: { [COOKIE]: value } });
      assert.deepEqual([res.status, res.text, res.headers["set-cookie"]], [200, ANONYMOUS, undefined], value);
    }
  });
});

describe("the tutorial's flow with the cookie jar", () => {
  test("the jar threads the cookie like a browser, through login, whoami, re-login and logout", async () => {
    const browser = new TestClient(buildApp({ logger: false }), { cookieJar: true });
    await recruitVolt(browser);
    assert.equal((await browser.get("/me/")).text, ANONYMOUS);
    const first = loginCookie(await browser.post("/me/login", { json: { hero_id: 1 } }));
    assert.equal(browser.jar?.get(COOKIE), first);
    assert.equal((await browser.get("/me/")).text, VOLT_IDENTIFIED);
    const second = loginCookie(await browser.post("/me/login", { json: { hero_id: 1 } }));
    assert.notEqual(idOf(second), idOf(first));
    assert.equal((await browser.get("/me/")).text, VOLT_IDENTIFIED);
    assert.equal((await browser.post("/me/logout")).headers["set-cookie"], LOGOUT_COOKIE);
    assert.equal(browser.jar?.has(COOKIE), false);
    assert.equal((await browser.get("/me/")).text, ANONYMOUS);
    assert.equal((await browser.get("/me/", { cookies: { [COOKIE]: second } })).text, ANONYMOUS);
  });
});

describe("the tutorial's flow over real HTTP", { timeout: 30_000 }, () => {
  test("curl's view: the same bodies and Set-Cookie lines, the cookie between content-type and content-length", async () => {
    const app = buildApp({ logger: false });
    const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const json = { "content-type": "application/json" };
      const recruit = await call(`${url}/heroes/`, "POST", { ...json, ...BADGE }, JSON.stringify(VOLT));
      assert.equal(recruit.text, '{"id":1,"name":"Volt","power":"lightning","wattage":9001}');

      assert.equal((await call(`${url}/me/`, "GET")).text, ANONYMOUS);

      const login = await call(`${url}/me/login`, "POST", json, '{"hero_id":1}');
      assert.equal(login.text, '{"welcome":"Volt"}');
      const line = login.headers["set-cookie"]?.[0] ?? "";
      const match = LOGIN_COOKIE.exec(line);
      assert.ok(match !== null, line);
      const names = login.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
      const at = (name: string) => names.indexOf(name);
      assert.ok(at("content-type") < at("set-cookie") && at("set-cookie") < at("content-length"), names.join(", "));

      const jar = `lauren_session=${match[1]}`;
      const me = await call(`${url}/me/`, "GET", { cookie: jar });
      assert.deepEqual([me.text, me.headers["set-cookie"]], [VOLT_IDENTIFIED, undefined]);

      const logout = await call(`${url}/me/logout`, "POST", { cookie: jar });
      assert.equal(logout.text, '{"farewell":true}');
      assert.deepEqual(logout.headers["set-cookie"], [LOGOUT_COOKIE]);
      assert.equal((await call(`${url}/me/`, "GET", { cookie: jar })).text, ANONYMOUS);

      const unknown = await call(`${url}/me/login`, "POST", json, '{"hero_id":999}');
      assert.deepEqual([unknown.status, unknown.text], [401, UNKNOWN_HERO]);
    } finally {
      await app.shutdown();
    }
  });
});
