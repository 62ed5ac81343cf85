import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  InMemoryRevocationStore,
  InMemorySessionStore,
  SessionConfigError,
  SessionEngine,
  SignedCookieSessionStore,
} from "../../src/sessions/index.js";
import { Clock, cookieValue, MemoryLogger, makeEngine, request, SECRET } from "./helpers.js";

const ID = (n: number): string => String(n).padStart(43, "0");
const opts = (changed: string[], deleted: string[] = [], minted = false, ttl: number | null = 100) => ({ ttl, changed, deleted, minted });
const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("stores (SESSIONS.md §8)", () => {
  describe("InMemorySessionStore", () => {
    test("expired rows are swept by an unref'd timer, which close() stops", async () => {
      const clock = new Clock();
      const store = new InMemorySessionStore({ clock: clock.read, sweepIntervalMs: 5 });
      const before = timers();
      await store.save(ID(1), { a: 1 }, opts(["a"], [], true, 10));
      await store.save(ID(2), { a: 1 }, opts(["a"], [], true, null));
      assert.equal(timers(), before, "the sweep timer does not keep the process alive");
      clock.now += 10;
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(store.size, 1, "the expired row was swept without being read");
      store.close();
    });

    test("holds at most maxSessions rows, evicting the least recently used", async () => {
      const store = new InMemorySessionStore({ maxSessions: 3 });
      for (let i = 1; i <= 3; i++) await store.save(ID(i), { i }, opts(["i"], [], true));
      await store.load(ID(1));
      await store.save(ID(4), { i: 4 }, opts(["i"], [], true));
      assert.equal(store.size, 3);
      assert.equal(await store.load(ID(2)), null, "the least recently used row went");
      assert.deepEqual(await store.load(ID(1)), { i: 1 });
    });

    test("eviction keeps least-recently-used order through thousands of writes, reads and a sweep", async () => {
      // A model LRU (a plain array) next to the store; the store's eviction goes on from where
      // it stopped, so this covers rows promoted behind and ahead of it and a sweep in between.
      const clock = new Clock();
      const store = new InMemorySessionStore({ clock: clock.read, maxSessions: 40, sweepIntervalMs: 60_000 });
      const model: number[] = [];
      const touch = (n: number) => {
        const at = model.indexOf(n);
        if (at !== -1) model.splice(at, 1);
        model.push(n);
        if (model.length > 40) model.shift();
      };
      for (let n = 1; n <= 3000; n++) {
        await store.save(ID(n), { n }, opts(["n"], [], true, null));
        touch(n);
        const old = n - 1 - ((n * 7) % 39);
        if (old > 0 && model.includes(old)) {
          assert.deepEqual(await store.load(ID(old)), { n: old });
          touch(old);
        }
        if (n === 1500) store.sweep();
      }
      assert.equal(store.size, 40);
      for (let n = 1; n <= 3000; n++) assert.equal((await store.load(ID(n))) !== null, model.includes(n), `row ${n}`);
      store.close();
    });

    test("a flood of new sessions against a small maxSessions stays at its bound", async () => {
      const store = new InMemorySessionStore({ maxSessions: 50 });
      const engine = makeEngine({ store });
      const cookies: string[] = [];
      for (let i = 0; i < 1000; i++) {
        cookies.push(cookieValue((await request(engine, null, (s) => s.set("i", i))).setCookie));
      }
      assert.equal(store.size, 50);
      assert.equal((await request(engine, cookies[999] as string)).session.get("i"), 999);
      assert.equal((await request(engine, cookies[0] as string)).session.isNew, true);
      engine.close();
    });

    test("options must be positive integers", () => {
      assert.throws(() => new InMemorySessionStore({ maxSessions: 0 }), SessionConfigError);
      assert.throws(() => new InMemorySessionStore({ sweepIntervalMs: 1.5 }), SessionConfigError);
    });

    test("the engine logs once, at start-up, that the in-memory stores are per-process", () => {
      const logger = new MemoryLogger();
      const engine = SessionEngine.create({ secret: SECRET, revocationStore: new InMemoryRevocationStore() }, logger);
      engine.load(undefined);
      const infos = logger.entries.filter((e) => e.level === "info").map((e) => e.message);
      assert.equal(infos.length, 2);
      assert.match(infos[0] as string, /InMemorySessionStore keeps sessions in this process only/);
      assert.match(infos[1] as string, /InMemoryRevocationStore keeps revocations in this process only/);
      const quiet = new MemoryLogger();
      SessionEngine.create({ secret: SECRET, store: new SignedCookieSessionStore() }, quiet);
      assert.equal(quiet.entries.length, 0);
    });

    test("engine.close() stops the sweep timers of both in-memory stores", () => {
      let closed = 0;
      class CountingStore extends InMemorySessionStore {
        override close(): void {
          closed++;
          super.close();
        }
      }
      class CountingRevocations extends InMemoryRevocationStore {
        override close(): void {
          closed++;
          super.close();
        }
      }
      makeEngine({ store: new CountingStore(), revocationStore: new CountingRevocations() }).close();
      assert.equal(closed, 2);
    });
  });

  describe("SignedCookieSessionStore", () => {
    test("keeps no server state: the data lives in the cookie", async () => {
      const store = new SignedCookieSessionStore();
      assert.equal(store.clientSide, true);
      assert.equal(store.maxBytes, 4096);
      await store.save(ID(1), { a: 1 }, opts(["a"], [], true));
      assert.equal(await store.load(ID(1)), null);
      const engine = makeEngine({ store });
      const cookie = cookieValue((await request(engine, null, (s) => s.set("a", 1))).setCookie);
      assert.equal((await request(engine, cookie)).session.get("a"), 1);
    });

    test("maxBytes must be a positive integer", () => {
      assert.throws(() => new SignedCookieSessionStore({ maxBytes: -1 }), SessionConfigError);
    });
  });

  test("any object of the store's shape can serve as a store", async () => {
    const rows = new Map<string, Record<string, unknown>>();
    const engine = makeEngine({
      store: {
        newId: () => "Z".repeat(43),
        load: async (id) => rows.get(id) ?? null,
        save: async (id, data) => {
          rows.set(id, { ...data });
        },
        delete: async (id) => {
          rows.delete(id);
        },
      },
    });
    const cookie = cookieValue((await request(engine, null, (s) => s.set("a", 1))).setCookie);
    assert.deepEqual(rows.get("Z".repeat(43)), { a: 1 });
    assert.equal((await request(engine, cookie)).session.get("a"), 1);
  });
});
