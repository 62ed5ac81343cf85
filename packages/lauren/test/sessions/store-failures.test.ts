import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InMemorySessionStore, SessionStoreUnavailableError, SignedCookieSessionStore } from "../../src/sessions/index.js";
import { Clock, loggedIn, MemoryLogger, makeEngine, request, ScriptedRevocationStore, ScriptedStore } from "./helpers.js";

describe("store failures and test-client cookies (SESSIONS.md §6.9)", () => {
  describe("rule 9: store failures fail closed", () => {
    test("a failing store on load, save, touch or delete answers 503 session_store_unavailable with Retry-After, logged", async () => {
      const clock = new Clock();
      const store = new ScriptedStore({ clock: clock.read });
      const logger = new MemoryLogger();
      const engine = makeEngine({ store, clock: clock.read, idleTimeout: 100 }, logger);
      const value = await loggedIn(engine);
      store.failing = true;
      const cases: Array<() => Promise<unknown>> = [
        () => request(engine, value),
        () => request(engine, null, (s) => s.set("k", 1)),
        async () => {
          store.failing = false;
          const session = await engine.load(`lauren_session=${value}`);
          store.failing = true;
          session.set("k", 2);
          return engine.commit(session);
        },
        async () => {
          store.failing = false;
          const session = await engine.load(`lauren_session=${value}`);
          store.failing = true;
          session.invalidate();
          return engine.commit(session);
        },
        async () => {
          store.failing = false;
          clock.now += 60;
          const session = await engine.load(`lauren_session=${value}`);
          store.failing = true;
          return engine.commit(session);
        },
      ];
      for (const run of cases) {
        await assert.rejects(run, (error: unknown) => {
          assert.ok(error instanceof SessionStoreUnavailableError);
          assert.equal(error.status, 503);
          assert.equal(error.code, "session_store_unavailable");
          assert.equal(error.headers?.["Retry-After"], "5");
          assert.ok(!error.message.includes("store down"), "internals stay out of the response");
          return true;
        });
      }
      const operations = logger.entries.filter((e) => e.level === "error").map((e) => e.fields?.operation);
      assert.deepEqual(operations, ["load", "save", "save", "delete", "touch"]);
    });

    test("a failing revocation store also answers 503", async () => {
      const revocation = new ScriptedRevocationStore();
      const engine = makeEngine({ store: new SignedCookieSessionStore(), revocationStore: revocation });
      const value = await loggedIn(engine);
      revocation.failing = true;
      await assert.rejects(() => request(engine, value), SessionStoreUnavailableError);
      await assert.rejects(
        () => request(engine, null, (s) => s.set("k", 1)).then(() => request(engine, value, (s) => s.invalidate())),
        SessionStoreUnavailableError,
      );
    });
  });

  describe("createSessionCookie for the test client", () => {
    test("stores the data and returns a signed cookie value that loads it", async () => {
      for (const options of [
        {},
        { store: new SignedCookieSessionStore() },
        { store: new SignedCookieSessionStore(), revocationStore: new ScriptedRevocationStore() },
        { revocationStore: new ScriptedRevocationStore() },
      ]) {
        const engine = makeEngine(options);
        const value = await engine.createSessionCookie({ hero_id: 3, name: "Nova" });
        const { session } = await request(engine, value);
        assert.deepEqual(session.toJSON(), { hero_id: 3, name: "Nova" });
        assert.equal(session.isNew, false);
      }
    });

    test("refuses data that is not a plain object", async () => {
      await assert.rejects(() => makeEngine().createSessionCookie([] as unknown as Record<string, unknown>), TypeError);
    });
  });

  test("a store whose newId() breaks the id format is reported instead of minting unreadable sessions", async () => {
    class BadIds extends InMemorySessionStore {
      override newId(): string {
        return "not-a-session-id";
      }
    }
    await assert.rejects(
      () => request(makeEngine({ store: new BadIds() }), null, (s) => s.set("k", 1)),
      /newId\(\) must return 43 base64url characters/,
    );
  });
});
