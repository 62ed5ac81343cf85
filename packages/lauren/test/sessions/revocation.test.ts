import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InMemoryRevocationStore, RevocationStore, SignedCookieSessionStore, signValue } from "../../src/sessions/index.js";
import { Clock, cookieValue, makeEngine, request, ScriptedRevocationStore, ScriptedStore, SECRET } from "./helpers.js";

function setup(kind: "cookie" | "server", extra: Record<string, unknown> = {}) {
  const clock = new Clock();
  const revocation = new ScriptedRevocationStore({ clock: clock.read });
  const store = kind === "cookie" ? new SignedCookieSessionStore() : new ScriptedStore({ clock: clock.read });
  const engine = makeEngine({ store, revocationStore: revocation, clock: clock.read, maxAge: 3600, ...extra });
  return { clock, revocation, engine };
}

async function login(engine: ReturnType<typeof makeEngine>, userId: unknown, cookie: string | null = null): Promise<string> {
  const { setCookie } = await request(engine, cookie, (s) => {
    s.regenerateId();
    s.set("user_id", userId);
  });
  return cookieValue(setCookie);
}

describe("revocation (SESSIONS.md §7)", () => {
  describe("rule 1: per-session deny-list", () => {
    test("logout deny-lists a stateless cookie for its remaining life, so replaying it is anonymous", async () => {
      const { clock, revocation, engine } = setup("cookie");
      const cookie = await login(engine, "u-1");
      clock.now += 600;
      const logout = await request(engine, cookie, (s) => s.invalidate());
      assert.match(logout.setCookie as string, /^lauren_session=; Max-Age=0/);
      assert.equal(revocation.revoked.length, 1);
      assert.equal(revocation.revoked[0]?.ttl, 3000);
      const replay = await request(engine, cookie);
      assert.equal(replay.session.isNew, true);
      assert.equal(replay.session.get("user_id"), undefined);
    });

    test("login with regenerateId deny-lists the pre-login cookie", async () => {
      const { engine } = setup("cookie");
      const anonymous = cookieValue((await request(engine, null, (s) => s.set("visits", 1))).setCookie);
      const signedIn = await login(engine, "u-1", anonymous);
      assert.equal((await request(engine, anonymous)).session.isNew, true);
      assert.deepEqual((await request(engine, signedIn)).session.toJSON(), { visits: 1, user_id: "u-1" });
    });

    test("without revocation a logged-out stateless cookie can still be replayed until it expires", async () => {
      const engine = makeEngine({ store: new SignedCookieSessionStore() });
      const cookie = await login(engine, "u-1");
      await request(engine, cookie, (s) => s.invalidate());
      assert.equal((await request(engine, cookie)).session.isNew, false);
    });

    test("a server-side session cookie carries {i, t, x} and logout deletes the row", async () => {
      const { engine } = setup("server");
      const cookie = await login(engine, "u-1");
      assert.deepEqual(Object.keys(JSON.parse(Buffer.from(cookie.split(".")[0] as string, "base64url").toString())), ["i", "t", "x"]);
      await request(engine, cookie, (s) => s.invalidate());
      assert.equal((await request(engine, cookie)).session.isNew, true);
    });

    test("a revocable cookie without its token id, issued-at or expiry is refused", async () => {
      const { engine } = setup("cookie");
      for (const env of [
        { d: { k: 1 }, t: 1, x: 9e9 },
        { d: { k: 1 }, j: "tok", x: 9e9 },
        { d: { k: 1 }, j: "tok", t: 1 },
        { d: { k: 1 }, j: "", t: 1, x: 9e9 },
      ]) {
        const value = signValue(Buffer.from(JSON.stringify(env)).toString("base64url"), SECRET);
        assert.equal((await request(engine, value)).session.isNew, true, JSON.stringify(env));
      }
    });
  });

  describe("rule 2: per-user cutoff", () => {
    for (const kind of ["cookie", "server"] as const) {
      test(`revokeUser logs the user out of every session issued before now (${kind} store)`, async () => {
        const { clock, revocation, engine } = setup(kind);
        const laptop = await login(engine, "u-1");
        const phone = await login(engine, "u-1");
        const other = await login(engine, "u-2");
        clock.now += 1;
        await revocation.revokeUser("u-1");
        assert.equal((await request(engine, laptop)).session.isNew, true);
        assert.equal((await request(engine, phone)).session.isNew, true);
        assert.equal((await request(engine, other)).session.isNew, false, "other users keep their sessions");
        assert.equal((await request(engine, await login(engine, "u-1"))).session.isNew, false, "new logins work");
      });

      test(`the current device keeps its session by calling regenerateId after revoking (${kind} store)`, async () => {
        const { clock, revocation, engine } = setup(kind);
        const current = await login(engine, "u-1");
        const elsewhere = await login(engine, "u-1");
        clock.now += 10;
        const { setCookie } = await request(engine, current, async (s) => {
          await revocation.revokeUser(s.get("user_id") as string);
          s.regenerateId();
        });
        const kept = cookieValue(setCookie);
        clock.now += 10;
        assert.equal((await request(engine, kept)).session.get("user_id"), "u-1");
        assert.equal((await request(engine, elsewhere)).session.isNew, true);
      });
    }

    test("a numeric user id matches its string form, and userIdKey picks the key", async () => {
      const { clock, revocation, engine } = setup("cookie", { userIdKey: "hero_id" });
      const { setCookie } = await request(engine, null, (s) => s.set("hero_id", 42));
      clock.now += 1;
      await revocation.revokeUser("42");
      assert.equal((await request(engine, cookieValue(setCookie))).session.isNew, true);
    });
  });

  describe("rule 3: entries prune themselves", () => {
    test("a deny-list entry lasts exactly as long as the cookie could be presented", async () => {
      const { clock, revocation, engine } = setup("cookie");
      const cookie = await login(engine, "u-1");
      await request(engine, cookie, (s) => s.invalidate());
      assert.equal(revocation.size, 1);
      clock.now += 3599;
      revocation.sweep();
      assert.equal(revocation.size, 1);
      assert.equal((await request(engine, cookie)).session.isNew, true);
      clock.now += 1;
      revocation.sweep();
      assert.equal(revocation.size, 0, "the cookie itself has expired by now");
      assert.equal((await request(engine, cookie)).session.isNew, true);
    });

    test("the engine sets the store's session lifetime, and user cutoffs expire after it", async () => {
      const clock = new Clock();
      const revocation = new InMemoryRevocationStore({ clock: clock.read });
      makeEngine({ store: new SignedCookieSessionStore(), revocationStore: revocation, maxAge: 3600, idleTimeout: 900, clock: clock.read });
      assert.equal(revocation.sessionLifetime, 900);
      await revocation.revokeUser("u-1");
      clock.now += 899;
      assert.equal(await revocation.userCutoff("u-1"), clock.now - 899);
      clock.now += 1;
      assert.equal(await revocation.userCutoff("u-1"), null);
      assert.equal(revocation.size, 0);
    });

    test("expired entries are swept by an unref'd timer that close() stops", async () => {
      const clock = new Clock();
      const revocation = new InMemoryRevocationStore({ clock: clock.read, sweepIntervalMs: 5 });
      const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
      const before = timers();
      await revocation.revokeToken("t1", 10);
      await revocation.revokeUser("u-1", { ttl: 10 });
      assert.equal(timers(), before, "the sweep timer does not keep the process alive");
      clock.now += 10;
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(revocation.size, 0);
      revocation.close();
    });
  });

  test("RevocationStore is an abstract class a custom store can extend (and a DI token)", async () => {
    class Recording extends RevocationStore {
      readonly tokens = new Set<string>();
      async revokeToken(tokenId: string): Promise<void> {
        this.tokens.add(tokenId);
      }
      async isTokenRevoked(tokenId: string): Promise<boolean> {
        return this.tokens.has(tokenId);
      }
      async revokeUser(): Promise<void> {}
      async userCutoff(): Promise<number | null> {
        return null;
      }
    }
    const revocation = new Recording();
    const engine = makeEngine({ store: new SignedCookieSessionStore(), revocationStore: revocation });
    assert.equal(engine.revocationStore, revocation);
    const cookie = await login(engine, "u-1");
    await request(engine, cookie, (s) => s.invalidate());
    assert.equal(revocation.tokens.size, 1);
    assert.match(revocation.newTokenId(), /^[A-Za-z0-9_-]{22}$/);
  });
});
