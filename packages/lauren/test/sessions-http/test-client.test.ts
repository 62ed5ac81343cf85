/**
 * SESSIONS.md §10: the TestClient keeps no cookies unless asked, offers a browser-like jar,
 * parses `Set-Cookie` with its attributes, and `withSession(data)` starts a test logged in.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Ctx, controller, get, LaurenFactory, module, post, type SessionOptions, SignedCookieSessionStore } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { SECRET, SERVER_COOKIE } from "./helpers.js";

@controller("/me")
class MeController {
  @get("/")
  whoami({ session }: Ctx) {
    return { user: session.get("user_id") ?? null, role: session.get("role") ?? null };
  }

  @post("/login")
  login({ session }: Ctx) {
    session.regenerateId();
    session.set("user_id", 7);
    return { ok: true };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return { ok: true };
  }
}

@module({ controllers: [MeController] })
class MeModule {}

function app(sessions: Partial<SessionOptions> | null = {}) {
  return LaurenFactory.create(MeModule, { logger: false, ...(sessions === null ? {} : { sessions: { secret: SECRET, ...sessions } }) });
}

describe("TestClient and sessions", () => {
  test("by default no cookie is kept: a test threads the session cookie by hand", async () => {
    const client = new TestClient(app());
    assert.equal(client.jar, null);
    const login = await client.post("/me/login");
    const value = login.cookie("lauren_session")?.value as string;
    assert.deepEqual((await client.get("/me/")).json(), { user: null, role: null }, "nothing sent back on its own");
    assert.deepEqual((await client.get("/me/", { cookies: { lauren_session: value } })).json(), { user: 7, role: null });
  });

  test("with cookieJar: true the client behaves like a browser: it stores, sends, rotates and drops the cookie", async () => {
    const browser = new TestClient(app(), { cookieJar: true });
    await browser.post("/me/login");
    const first = browser.jar?.get("lauren_session");
    assert.match(first ?? "", SERVER_COOKIE);
    assert.deepEqual((await browser.get("/me/")).json(), { user: 7, role: null });

    await browser.post("/me/login");
    const second = browser.jar?.get("lauren_session");
    assert.ok(second !== undefined && second !== first, "a new login replaces the cookie in the jar");

    // A cookie passed explicitly wins over the jar's for that request.
    assert.deepEqual((await browser.get("/me/", { cookies: { lauren_session: first as string } })).json(), { user: null, role: null });

    await browser.post("/me/logout");
    assert.equal(browser.jar?.has("lauren_session"), false, "Max-Age=0 removes it");
    assert.deepEqual((await browser.get("/me/")).json(), { user: null, role: null });
  });

  test("res.cookie(name) exposes every Set-Cookie attribute, and the raw header", async () => {
    const client = new TestClient(app({ maxAge: 3_600, domain: "hq.example", sameSite: "strict" }));
    const login = await client.post("/me/login");
    const cookie = login.cookie("lauren_session");
    assert.ok(cookie !== undefined);
    assert.equal(cookie.name, "lauren_session");
    assert.match(cookie.value, SERVER_COOKIE);
    assert.deepEqual(
      [cookie.maxAge, cookie.path, cookie.domain, cookie.secure, cookie.httpOnly, cookie.sameSite, cookie.expires],
      [3_600, "/", "hq.example", true, true, "Strict", undefined],
    );
    assert.equal(cookie.raw, `lauren_session=${cookie.value}; Max-Age=3600; Path=/; Domain=hq.example; Secure; HttpOnly; SameSite=Strict`);
    assert.equal(login.cookies.length, 1);
    assert.equal(login.cookie("other"), undefined);

    const logout = (await client.post("/me/logout")).cookie("lauren_session");
    assert.deepEqual([logout?.value, logout?.maxAge], ["", 0]);
  });

  test("withSession(data) starts a test with a stored session: returned without a jar, placed in the jar with one", async () => {
    const client = new TestClient(app());
    const value = await client.withSession({ user_id: 42, role: "admin" });
    assert.match(value, SERVER_COOKIE);
    assert.deepEqual((await client.get("/me/", { cookies: { lauren_session: value } })).json(), { user: 42, role: "admin" });

    const browser = new TestClient(app(), { cookieJar: true });
    await browser.withSession({ user_id: 5 });
    assert.deepEqual((await browser.get("/me/")).json(), { user: 5, role: null });
  });

  test("withSession works with the stateless store too, and explains itself when sessions are off", async () => {
    const client = new TestClient(app({ store: new SignedCookieSessionStore() }));
    const value = await client.withSession({ user_id: 9 });
    assert.deepEqual((await client.get("/me/", { cookies: { lauren_session: value } })).json(), { user: 9, role: null });

    await assert.rejects(
      new TestClient(app(null)).withSession({ user_id: 1 }),
      /withSession\(\) needs sessions: pass sessions: \{ secret \}/,
    );
  });
});
