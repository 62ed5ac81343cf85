import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InMemorySessionStore, SessionTooLargeError, SignedCookieSessionStore, signValue } from "../../src/sessions/index.js";
import { SAVE_NOW, type SaveOptions } from "../../src/sessions/store.js";
import { Clock, cookieValue, envelope, header, loggedIn, MemoryLogger, makeEngine, request, ScriptedStore, SECRET } from "./helpers.js";

/** The in-memory store, with its synchronous save failing as a broken store would. */
class BrokenMemory extends InMemorySessionStore {
  override [SAVE_NOW](_id: string, _data: Record<string, unknown>, _opts: SaveOptions): boolean {
    throw new Error("disk on fire");
  }
}

test("a first save to the in-memory store commits synchronously, and fails closed when it throws", async () => {
  const memory = makeEngine({ store: new InMemorySessionStore() });
  const fresh = memory.load(undefined);
  assert.ok(!(fresh instanceof Promise));
  fresh.set("hero_id", 3);
  const cookie = memory.commit(fresh);
  assert.equal(typeof cookie, "string", "no promise for a row in this process");
  const back = memory.load(header(memory, cookieValue(cookie as string)));
  assert.ok(!(back instanceof Promise));
  assert.equal(back.get("hero_id"), 3);

  const wrapped = makeEngine({ store: new ScriptedStore() });
  const viaSave = await wrapped.load(undefined);
  viaSave.set("hero_id", 3);
  assert.ok(wrapped.commit(viaSave) instanceof Promise, "an overridden save is called");

  const logger = new MemoryLogger();
  const broken = makeEngine({ store: new BrokenMemory() }, logger);
  const doomed = broken.load(undefined);
  assert.ok(!(doomed instanceof Promise));
  doomed.set("hero_id", 3);
  await assert.rejects(Promise.resolve(broken.commit(doomed)), { name: "SessionStoreUnavailableError" });
  assert.ok(logger.entries.some((e) => e.level === "error" && e.fields?.operation === "save"));
});

describe("persist (SESSIONS.md §6)", () => {
  describe("rule 1: a pure read", () => {
    test("a pure read writes nothing and returns no cookie, synchronously", async () => {
      const store = new ScriptedStore();
      const engine = makeEngine({ store });
      const value = await loggedIn(engine);
      const saves = store.saves.length;
      const session = await engine.load(`lauren_session=${value}`);
      assert.equal(session.get("hero_id"), 1);
      assert.equal(engine.commit(session), null);
      assert.equal(store.saves.length, saves);
    });

    test("a pure read of a stateless cookie sends nothing, synchronously", async () => {
      const engine = makeEngine({ store: new SignedCookieSessionStore() });
      const value = await loggedIn(engine);
      const session = engine.load(`lauren_session=${value}`);
      assert.ok(!(session instanceof Promise));
      assert.equal(engine.commit(session), null);
    });
  });

  describe("rule 2: a new session that stays empty", () => {
    test("stores nothing and sends no cookie, even after a write that was undone", async () => {
      for (const store of [new ScriptedStore(), new SignedCookieSessionStore()]) {
        const engine = makeEngine({ store });
        const session = engine.load(undefined) as Awaited<ReturnType<typeof engine.load>>;
        session.set("k", 1);
        session.delete("k");
        session.regenerateId();
        assert.equal(engine.commit(session), null);
        if (store instanceof ScriptedStore) assert.equal(store.size, 0);
      }
    });
  });

  describe("rule 3: a modified session", () => {
    test("a new session is saved with TTL idleTimeout ?? maxAge and gets its cookie", async () => {
      const store = new ScriptedStore();
      await loggedIn(makeEngine({ store, maxAge: 500 }));
      await loggedIn(makeEngine({ store, maxAge: 500, idleTimeout: 60 }));
      await loggedIn(makeEngine({ store, maxAge: null }));
      assert.deepEqual(
        store.saves.map((s) => s.opts.ttl),
        [500, 60, null],
      );
      assert.deepEqual(store.saves[0]?.opts, { ttl: 500, changed: ["hero_id"], deleted: [], minted: true });
    });

    test("a change to an existing session saves only the changed and deleted keys, and sends no cookie", async () => {
      const store = new ScriptedStore();
      const engine = makeEngine({ store });
      const value = await loggedIn(engine, { hero_id: 1, name: "Volt", team: "red" });
      const { setCookie, session } = await request(engine, value, (s) => {
        s.set("name", "Volta");
        s.delete("team");
      });
      assert.equal(setCookie, null);
      assert.deepEqual(store.saves.at(-1), {
        id: session.id,
        opts: { ttl: 1209600, changed: ["name"], deleted: ["team"], minted: false },
      });
      assert.deepEqual((await request(engine, value)).session.toJSON(), { hero_id: 1, name: "Volta" });
    });

    test("a new server session's id is visible once it is saved", async () => {
      const engine = makeEngine();
      const { session, setCookie } = await request(engine, null, (s) => s.set("k", 1));
      assert.equal(cookieValue(setCookie), signValue(session.id as string, SECRET));
    });

    test("a stateless session rewrites its cookie on every change and keeps its expiry", async () => {
      const clock = new Clock();
      const engine = makeEngine({ store: new SignedCookieSessionStore(), clock: clock.read, maxAge: 1000 });
      const value = await loggedIn(engine);
      clock.now += 10;
      const next = cookieValue((await request(engine, value, (s) => s.set("visits", 2))).setCookie);
      assert.deepEqual(envelope(next), { d: { hero_id: 1, visits: 2 }, x: clock.now - 10 + 1000 });
    });

    test("a stateless session emptied by deletes sends an empty envelope, so the deletes are not lost", async () => {
      const engine = makeEngine({ store: new SignedCookieSessionStore() });
      const value = await loggedIn(engine);
      const next = cookieValue((await request(engine, value, (s) => s.delete("hero_id"))).setCookie);
      assert.deepEqual(envelope(next).d, {});
      assert.equal((await request(engine, next)).session.has("hero_id"), false);
    });
  });

  describe("rule 4: regenerateId at login", () => {
    test("login moves the data to a new id, deletes the old row and re-sends the cookie", async () => {
      const store = new ScriptedStore();
      const engine = makeEngine({ store });
      const before = await loggedIn(engine, { cart: ["potion"] });
      const login = await request(engine, before, (s) => {
        s.regenerateId();
        s.set("hero_id", 1);
      });
      const after = cookieValue(login.setCookie);
      assert.notEqual(after, before);
      assert.deepEqual((await request(engine, after)).session.toJSON(), { cart: ["potion"], hero_id: 1 });
      assert.equal((await request(engine, before)).session.isNew, true, "the old id is gone");
      assert.equal(store.size, 1);
    });

    test("a cookie planted by an attacker before login never identifies the logged-in user", async () => {
      const engine = makeEngine();
      const planted = await loggedIn(engine, { visits: 1 });
      const victim = await request(engine, planted, (s) => {
        s.regenerateId();
        s.set("hero_id", 1);
      });
      assert.notEqual(victim.session.id, planted.slice(0, 43));
      const attacker = await request(engine, planted);
      assert.equal(attacker.session.isNew, true);
      assert.equal(attacker.session.get("hero_id"), undefined);
    });
  });

  describe("rule 5: invalidate at logout", () => {
    test("logout expires the cookie and drops the stored session", async () => {
      const store = new ScriptedStore();
      const engine = makeEngine({ store });
      const value = await loggedIn(engine);
      const logout = await request(engine, value, (s) => s.invalidate());
      assert.equal(logout.setCookie, "lauren_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
      assert.equal(store.size, 0);
      const replay = await request(engine, value);
      assert.equal(replay.session.isNew, true);
      assert.equal(replay.session.size, 0);
    });

    test("logout without a session cookie still expires the cookie", () => {
      const engine = makeEngine();
      const session = engine.load(undefined) as Awaited<ReturnType<typeof engine.load>>;
      session.invalidate();
      assert.equal(engine.commit(session), "lauren_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
    });

    test("writes after invalidate are discarded", async () => {
      const store = new ScriptedStore();
      const engine = makeEngine({ store });
      const value = await loggedIn(engine);
      const logout = await request(engine, value, (s) => {
        s.invalidate();
        s.set("flash", "bye");
      });
      assert.match(logout.setCookie as string, /^lauren_session=; Max-Age=0/);
      assert.equal(store.size, 0);
    });
  });

  describe("rule 6: rolling", () => {
    test("every request with a live session re-sends the cookie and refreshes the row", async () => {
      const clock = new Clock();
      const store = new ScriptedStore({ clock: clock.read });
      const engine = makeEngine({ store, clock: clock.read, rolling: true, maxAge: 100 });
      const value = await loggedIn(engine);
      for (let i = 0; i < 3; i++) {
        clock.now += 80;
        const { setCookie } = await request(engine, value);
        assert.equal(setCookie, `lauren_session=${value}; Max-Age=100; Path=/; HttpOnly; SameSite=Lax`);
      }
      assert.equal(store.touches, 3);
    });

    test("rolling sends nothing for a visitor without a session", () => {
      const engine = makeEngine({ rolling: true });
      const session = engine.load(undefined) as Awaited<ReturnType<typeof engine.load>>;
      assert.equal(engine.commit(session), null);
    });

    test("a rolling stateless cookie slides its expiry on every request", async () => {
      const clock = new Clock();
      const engine = makeEngine({ store: new SignedCookieSessionStore(), clock: clock.read, rolling: true, maxAge: 100 });
      let value = await loggedIn(engine);
      for (let i = 0; i < 3; i++) {
        clock.now += 80;
        value = cookieValue((await request(engine, value)).setCookie);
        assert.equal(envelope(value).x, clock.now + 100);
      }
    });
  });

  describe("rule 7: cookie size", () => {
    test("a stateless cookie over maxBytes fails with SessionTooLargeError, logged with size and limit", async () => {
      const logger = new MemoryLogger();
      const engine = makeEngine({ store: new SignedCookieSessionStore({ maxBytes: 200 }) }, logger);
      const session = await engine.load(undefined);
      session.set("blob", "x".repeat(200));
      assert.throws(
        () => engine.commit(session),
        (error: unknown) => {
          assert.ok(error instanceof SessionTooLargeError);
          assert.equal(error.status, 500);
          assert.equal(error.code, "session_too_large");
          assert.match(error.message, /^session cookie payload is \d+ bytes, exceeding the 200-byte limit/);
          return true;
        },
      );
      const entry = logger.entries.find((e) => e.level === "error");
      assert.equal(entry?.fields?.limit, 200);
      assert.ok((entry?.fields?.size as number) > 200);
    });

    test("a cookie exactly at maxBytes is sent", async () => {
      const engine = makeEngine({ store: new SignedCookieSessionStore({ maxBytes: 4096 }), maxAge: null });
      // {"d":{"b":"…"}} base64url, then "." and 64 hex characters: 4096 characters in all.
      const session = await engine.load(undefined);
      session.set("b", "x".repeat(3009));
      assert.equal(cookieValue(engine.commit(session) as string).length, 4096);
      session.set("b", "x".repeat(3010));
      assert.throws(() => engine.commit(session), SessionTooLargeError);
    });
  });
});
