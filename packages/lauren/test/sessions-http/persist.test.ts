/**
 * SESSIONS.md §6.1–6.7 through the app: a response carries the session cookie only when
 * something changed; login rotates the id; logout always expires the cookie; rolling
 * re-issues; error responses persist what the handler did (unexpected 500s do not); and
 * the stateless cookie is never sent over its size limit.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BadRequestError,
  type Ctx,
  controller,
  get,
  LaurenFactory,
  module,
  post,
  ServiceUnavailableError,
  type SessionOptions,
  SignedCookieSessionStore,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { Clock, CountingStore, MemoryLogger, NOW, SECRET, SERVER_COOKIE, unsigned } from "./helpers.js";

const EXPIRED = "lauren_session=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax";

@controller("/s")
class StateController {
  @get("/")
  read({ session }: Ctx) {
    return { isNew: session.isNew, data: session.toJSON() };
  }

  @post("/set/{key}")
  set({ session, params, query }: Ctx) {
    session.set(params.key as string, query.value ?? true);
    return { ok: true };
  }

  @post("/del/{key}")
  del({ session, params }: Ctx) {
    return { deleted: session.delete(params.key as string) };
  }

  @post("/set-then-unset")
  setThenUnset({ session }: Ctx) {
    session.set("temp", 1);
    session.delete("temp");
    session.clear();
    return { modified: session.isModified };
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
    session.set("after", "ignored");
    return { farewell: true };
  }

  @post("/bad-request")
  badRequest({ session }: Ctx) {
    session.set("attempts", ((session.get("attempts") as number | undefined) ?? 0) + 1);
    throw new BadRequestError("wrong password", {});
  }

  @post("/crash")
  crash({ session }: Ctx) {
    session.set("half", "done");
    throw new Error("disk on fire");
  }

  @post("/unavailable")
  unavailable({ session }: Ctx) {
    session.set("half", "done");
    throw new ServiceUnavailableError("downstream is down");
  }

  @post("/big")
  big({ session, query }: Ctx) {
    session.set("blob", "x".repeat(Number(query.size)));
    return { ok: true };
  }
}

@module({ controllers: [StateController] })
class StateModule {}

function appWith(sessions: Partial<SessionOptions>, logger: MemoryLogger | false = false) {
  return LaurenFactory.create(StateModule, { logger, sessions: { secret: SECRET, ...sessions } });
}

function sessionCookie(res: { cookie(name: string): { value: string } | undefined }): string {
  const value = res.cookie("lauren_session")?.value;
  assert.ok(value !== undefined, "expected a session cookie");
  return value;
}

describe("dirty-tracked persistence", () => {
  test("a pure read of a live session writes nothing and sends no cookie", async () => {
    const store = new CountingStore();
    const client = new TestClient(appWith({ store }));
    const value = sessionCookie(await client.post("/s/set/visits"));
    for (let i = 0; i < 3; i++) {
      const res = await client.get("/s/", { cookies: { lauren_session: value } });
      assert.deepEqual(res.json(), { isNew: false, data: { visits: true } });
      assert.equal(res.headers["set-cookie"], undefined);
    }
    assert.deepEqual([store.saves.length, store.touches, store.deletes], [1, 0, 0]);
  });

  test("a new session that stays empty is neither stored nor sent, even after set-then-delete", async () => {
    const store = new CountingStore();
    const client = new TestClient(appWith({ store }));
    const read = await client.get("/s/");
    assert.equal(read.headers["set-cookie"], undefined);
    const churn = await client.post("/s/set-then-unset");
    assert.deepEqual(churn.json(), { modified: true });
    assert.equal(churn.headers["set-cookie"], undefined);
    assert.equal((await client.post("/s/del/nothing")).headers["set-cookie"], undefined);
    assert.deepEqual([store.size, store.saves.length], [0, 0]);
  });

  test("a change stores the session; only a new session gets a cookie, later changes merge key by key", async () => {
    const store = new CountingStore();
    const client = new TestClient(appWith({ store }));
    const created = await client.post("/s/set/a", { query: { value: "1" } });
    const value = sessionCookie(created);
    assert.match(value, SERVER_COOKIE);
    assert.deepEqual(store.saves[0]?.opts, { ttl: 1_209_600, changed: ["a"], deleted: [], minted: true });

    const more = await client.post("/s/set/b", { cookies: { lauren_session: value }, query: { value: "2" } });
    assert.equal(more.headers["set-cookie"], undefined, "the id did not change");
    assert.deepEqual(store.saves[1]?.opts, { ttl: 1_209_600, changed: ["b"], deleted: [], minted: false });
    const removed = await client.post("/s/del/a", { cookies: { lauren_session: value } });
    assert.deepEqual(removed.json(), { deleted: true });
    assert.deepEqual(store.saves[2]?.opts, { ttl: 1_209_600, changed: [], deleted: ["a"], minted: false });
    assert.deepEqual(await store.peek(unsigned(value)), { b: "2" });
  });

  test("regenerateId at login: new id, data kept, old row deleted, old cookie anonymous", async () => {
    const store = new CountingStore();
    const client = new TestClient(appWith({ store }));
    const before = sessionCookie(await client.post("/s/set/cart", { query: { value: "cape" } }));
    const login = await client.post("/s/login", { cookies: { lauren_session: before } });
    const after = sessionCookie(login);
    assert.notEqual(unsigned(after), unsigned(before), "a new id");
    assert.match(login.cookie("lauren_session")?.raw ?? "", /; Max-Age=1209600; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    assert.deepEqual((await client.get("/s/", { cookies: { lauren_session: after } })).json(), {
      isNew: false,
      data: { cart: "cape", user_id: 7 },
    });
    assert.equal(await store.peek(unsigned(before)), null, "the old row is gone");
    assert.deepEqual((await client.get("/s/", { cookies: { lauren_session: before } })).json(), { isNew: true, data: {} });
    assert.equal(store.size, 1);
  });

  test("a cookie planted before login never identifies the user who logged in with it", async () => {
    const client = new TestClient(appWith({}));
    // The attacker gets a perfectly valid session of their own and plants it in the victim's browser.
    const planted = sessionCookie(await client.post("/s/set/lure", { query: { value: "free-cape" } }));
    const victim = await client.post("/s/login", { cookies: { lauren_session: planted } });
    const victimCookie = sessionCookie(victim);
    assert.notEqual(unsigned(victimCookie), unsigned(planted));
    const attacker = await client.get("/s/", { cookies: { lauren_session: planted } });
    assert.deepEqual(attacker.json(), { isNew: true, data: {} }, "the planted id is dead, not logged in");
    assert.equal((await client.get("/s/", { cookies: { lauren_session: victimCookie } })).json().data.user_id, 7);
  });

  test("invalidate always expires the cookie, deletes the row, discards later writes, and replay is anonymous", async () => {
    const store = new CountingStore();
    const client = new TestClient(appWith({ store }));
    const anonymous = await client.post("/s/logout");
    assert.equal(anonymous.headers["set-cookie"], EXPIRED, "even without a cookie");
    assert.equal(store.deletes, 0, "nothing to delete");

    const value = sessionCookie(await client.post("/s/login"));
    const logout = await client.post("/s/logout", { cookies: { lauren_session: value } });
    assert.deepEqual(logout.json(), { farewell: true });
    assert.equal(logout.headers["set-cookie"], EXPIRED);
    assert.equal(store.size, 0, "the row is gone and the write after invalidate() was dropped");
    const replay = await client.get("/s/", { cookies: { lauren_session: value } });
    assert.deepEqual(replay.json(), { isNew: true, data: {} });
    assert.equal(replay.headers["set-cookie"], undefined);
  });

  test("rolling re-issues the cookie with a fresh Max-Age on every request with a live session, and refreshes its TTL", async () => {
    const clock = new Clock();
    const store = new CountingStore({ clock: clock.read });
    const client = new TestClient(appWith({ store, rolling: true, maxAge: 100, clock: clock.read }));
    assert.equal((await client.get("/s/")).headers["set-cookie"], undefined, "no session, nothing to roll");
    const value = sessionCookie(await client.post("/s/set/a"));
    for (let i = 0; i < 3; i++) {
      clock.now += 60; // past the original 100 s by the second round: only rolling keeps it
      const res = await client.get("/s/", { cookies: { lauren_session: value } });
      assert.equal(res.json().isNew, false, `round ${i}`);
      assert.equal(res.headers["set-cookie"], `lauren_session=${value}; Max-Age=100; Path=/; Secure; HttpOnly; SameSite=Lax`);
    }
    assert.equal(store.touches, 3);
    assert.equal(store.saves.length, 1, "rolling writes no data");
  });

  test("rolling a stateless cookie slides its expiry", async () => {
    const clock = new Clock();
    const client = new TestClient(appWith({ store: new SignedCookieSessionStore(), rolling: true, maxAge: 100, clock: clock.read }));
    let value = sessionCookie(await client.post("/s/set/a"));
    for (let i = 1; i <= 3; i++) {
      clock.now += 60;
      value = sessionCookie(await client.get("/s/", { cookies: { lauren_session: value } }));
      assert.equal(JSON.parse(Buffer.from(unsigned(value), "base64url").toString()).x, NOW + 60 * i + 100);
    }
  });
});

describe("persistence and errors", () => {
  test("an HttpError response still persists the session and carries its cookie", async () => {
    const store = new CountingStore();
    const client = new TestClient(appWith({ store }));
    const first = await client.post("/s/bad-request");
    assert.equal(first.status, 400);
    const value = sessionCookie(first);
    assert.equal((await client.post("/s/bad-request", { cookies: { lauren_session: value } })).status, 400);
    assert.deepEqual(await store.peek(unsigned(value)), { attempts: 2 });
  });

  test("an unexpected 500 or a 5xx HttpError persists nothing and sends no cookie", async () => {
    const store = new CountingStore();
    const client = new TestClient(appWith({ store }));
    const crash = await client.post("/s/crash");
    assert.equal(crash.status, 500);
    assert.deepEqual(crash.json(), { error: { code: "internal_error", message: "internal server error", detail: { type: "Error" } } });
    assert.equal(crash.headers["set-cookie"], undefined);
    const unavailable = await client.post("/s/unavailable");
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers["set-cookie"], undefined);
    assert.deepEqual([store.size, store.saves.length], [0, 0]);
  });

  test("a stateless cookie over maxBytes is never sent: 500 session_too_large, logged with size and limit", async () => {
    const logger = new MemoryLogger();
    const client = new TestClient(appWith({ store: new SignedCookieSessionStore({ maxBytes: 300 }) }, logger));
    const fits = await client.post("/s/big", { query: { size: "100" } });
    assert.equal(fits.status, 200);
    assert.ok(sessionCookie(fits).length <= 300);

    const res = await client.post("/s/big", { query: { size: "400" } });
    assert.equal(res.status, 500);
    assert.equal(res.headers["set-cookie"], undefined);
    const body = res.json();
    assert.equal(body.error.code, "session_too_large");
    assert.match(body.error.message, /^session cookie payload is \d+ bytes, exceeding the 300-byte limit/);
    assert.equal(body.error.detail.limit, 300);
    assert.ok(body.error.detail.size > 300);
    const logged = logger.errors().find((e) => /too large/.test(e.message));
    assert.deepEqual(logged?.fields, { size: body.error.detail.size, limit: 300 });
  });
});
