import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InMemoryRevocationStore, type SaveOptions, SESSION_EXPIRES_AT, SignedCookieSessionStore } from "../../src/sessions/index.js";
import { Clock, cookieValue, envelope, makeEngine, request, ScriptedStore } from "./helpers.js";

describe("load (SESSIONS.md §5)", () => {
  describe("rule 5: idle timeout slides on reads, throttled", () => {
    test("a server session idle for longer than idleTimeout dies", async () => {
      const clock = new Clock();
      const store = new ScriptedStore({ clock: clock.read });
      const engine = makeEngine({ store, clock: clock.read, idleTimeout: 100 });
      const value = cookieValue((await request(engine, null, (s) => s.set("k", 1))).setCookie);
      clock.now += 100;
      assert.equal((await request(engine, value)).session.isNew, true);
    });

    test("reads keep an idle server session alive, though they write no data", async () => {
      const clock = new Clock();
      const store = new ScriptedStore({ clock: clock.read });
      const engine = makeEngine({ store, clock: clock.read, idleTimeout: 100 });
      const value = cookieValue((await request(engine, null, (s) => s.set("k", 1))).setCookie);
      for (let i = 0; i < 5; i++) {
        clock.now += 60;
        const { session, setCookie } = await request(engine, value);
        assert.equal(session.isNew, false);
        assert.equal(setCookie, null);
      }
      assert.equal(store.saves.length, 1);
    });

    test("a read touches the server session only when less than half the idle window remains", async () => {
      const clock = new Clock();
      const store = new ScriptedStore({ clock: clock.read });
      const engine = makeEngine({ store, clock: clock.read, idleTimeout: 100 });
      const value = cookieValue((await request(engine, null, (s) => s.set("k", 1))).setCookie);
      clock.now += 49;
      await request(engine, value);
      assert.equal(store.touches, 0, "51 s of 100 remain: no touch");
      clock.now += 2;
      await request(engine, value);
      assert.equal(store.touches, 1, "49 s remain: touched");
      await request(engine, value);
      assert.equal(store.touches, 1, "just touched: the full window remains");
    });

    test("a store that does not report expiry is touched on every read", async () => {
      const clock = new Clock();
      class ForgetfulStore extends ScriptedStore {
        override async load(id: string): Promise<Record<string, unknown> | null> {
          const row = await super.load(id);
          return row === null ? null : { ...row }; // the expiry symbol is not enumerable: not copied
        }
      }
      const store = new ForgetfulStore({ clock: clock.read });
      const engine = makeEngine({ store, clock: clock.read, idleTimeout: 100 });
      const value = cookieValue((await request(engine, null, (s) => s.set("k", 1))).setCookie);
      await request(engine, value);
      await request(engine, value);
      assert.equal(store.touches, 2);
    });

    test("a store without touch() is refreshed by a save that changes no keys", async () => {
      const clock = new Clock();
      const inner = new ScriptedStore({ clock: clock.read });
      const store = {
        newId: () => inner.newId(),
        load: (id: string) => inner.load(id),
        save: (id: string, data: Record<string, unknown>, opts: SaveOptions) => inner.save(id, data, opts),
        delete: (id: string) => inner.delete(id),
      };
      const engine = makeEngine({ store, clock: clock.read, idleTimeout: 100 });
      const value = cookieValue((await request(engine, null, (s) => s.set("k", 1))).setCookie);
      clock.now += 60;
      await request(engine, value);
      assert.deepEqual(inner.saves.at(-1)?.opts, { ttl: 100, changed: [], deleted: [], minted: false });
      clock.now += 90;
      assert.deepEqual((await request(engine, value)).session.toJSON(), { k: 1 });
    });

    test("the store reports each row's expiry under SESSION_EXPIRES_AT", async () => {
      const clock = new Clock();
      const store = new ScriptedStore({ clock: clock.read });
      await store.save("x".repeat(43), { k: 1 }, { ttl: 10, changed: ["k"], deleted: [], minted: true });
      const row = (await store.load("x".repeat(43))) as Record<PropertyKey, unknown>;
      assert.equal(row[SESSION_EXPIRES_AT], clock.now + 10);
      assert.deepEqual(Object.keys(row), ["k"]);
    });

    test("with revocation on, a due refresh touches the row and re-issues the {i, t, x} cookie with a fresh expiry", async () => {
      const clock = new Clock();
      const store = new ScriptedStore({ clock: clock.read });
      const revocationStore = new InMemoryRevocationStore({ clock: clock.read });
      const engine = makeEngine({ store, revocationStore, clock: clock.read, idleTimeout: 100 });
      const first = cookieValue((await request(engine, null, (s) => s.set("k", 1))).setCookie);
      const issued = envelope(first);
      clock.now += 40;
      assert.equal((await request(engine, first)).setCookie, null);
      clock.now += 20;
      const refreshed = cookieValue((await request(engine, first)).setCookie);
      assert.deepEqual(envelope(refreshed), { ...issued, x: clock.now + 100 });
      assert.equal(store.touches, 1);
      clock.now += 90;
      assert.equal((await request(engine, refreshed)).session.get("k"), 1);
    });

    test("the cookie store re-issues its envelope with a fresh expiry only when less than half the window remains", async () => {
      const clock = new Clock();
      const engine = makeEngine({ store: new SignedCookieSessionStore(), clock: clock.read, idleTimeout: 100 });
      const value = cookieValue((await request(engine, null, (s) => s.set("k", 1))).setCookie);
      clock.now += 50;
      assert.equal((await request(engine, value)).setCookie, null, "half the window remains: nothing sent");
      clock.now += 1;
      const refreshed = cookieValue((await request(engine, value)).setCookie);
      assert.deepEqual(envelope(refreshed), { d: { k: 1 }, x: clock.now + 100 });
      clock.now += 99;
      assert.equal((await request(engine, refreshed)).session.isNew, false);
      assert.equal((await request(engine, value)).session.isNew, true, "the old cookie has expired");
    });
  });
});
