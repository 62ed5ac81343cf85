import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { InMemorySessionStore, type SaveOptions, SessionStore, SignedCookieSessionStore, signValue } from "../../src/sessions/index.js";
import { Clock, cookieValue, envelope, header, loggedIn, MemoryLogger, makeEngine, request, ScriptedStore, SECRET } from "./helpers.js";

const OLD_SECRET = "an-older-secret-rotated-out-of-service-00";

/** A store that hands back whatever the test puts in a row, shape unchecked. */
class RawStore extends SessionStore {
  readonly rows = new Map<string, unknown>();
  readonly deleted: string[] = [];
  newId(): string {
    return "A".repeat(43);
  }
  async load(id: string): Promise<Record<string, unknown> | null> {
    return (this.rows.get(id) ?? null) as Record<string, unknown> | null;
  }
  async save(id: string, data: Record<string, unknown>, _opts: SaveOptions): Promise<void> {
    this.rows.set(id, data);
  }
  async delete(id: string): Promise<void> {
    this.deleted.push(id);
    this.rows.delete(id);
  }
}

describe("load (SESSIONS.md §5)", () => {
  test("a session in the in-memory store is read synchronously; a store that replaces load keeps its own", async () => {
    const memory = makeEngine({ store: new InMemorySessionStore() });
    const value = await loggedIn(memory, { hero_id: 7 });
    const read = memory.load(header(memory, value));
    assert.ok(!(read instanceof Promise), "no promise for a row in this process");
    assert.equal(read.get("hero_id"), 7);
    assert.equal(read.isNew, false);
    // Reads hand out copies: a change made by one request is not seen by the next until saved.
    read.set("hero_id", 8);
    const again = memory.load(header(memory, value));
    assert.ok(!(again instanceof Promise));
    assert.equal(again.get("hero_id"), 7);

    const scripted = new ScriptedStore();
    const wrapped = makeEngine({ store: scripted });
    const cookie = await loggedIn(wrapped, { hero_id: 7 });
    const viaLoad = wrapped.load(header(wrapped, cookie));
    assert.ok(viaLoad instanceof Promise, "an overridden load is called");
    assert.equal((await viaLoad).get("hero_id"), 7);
    assert.equal(scripted.loads, 1);
    scripted.failing = true;
    await assert.rejects(Promise.resolve(wrapped.load(header(wrapped, cookie))), { name: "SessionStoreUnavailableError" });
  });

  describe("rule 1: anything but a valid cookie is a new, empty session", () => {
    test("no cookie gives a new empty session synchronously, without store I/O", () => {
      const store = new ScriptedStore();
      const engine = makeEngine({ store });
      for (const cookieHeader of [undefined, "", "other=1"]) {
        const session = engine.load(cookieHeader);
        assert.ok(!(session instanceof Promise));
        assert.equal(session.isNew, true);
        assert.equal(session.size, 0);
      }
      assert.equal(store.loads, 0);
    });

    test("a tampered, foreign, garbage or unsigned cookie is anonymous synchronously, without store I/O", async () => {
      const store = new ScriptedStore();
      const engine = makeEngine({ store });
      const value = cookieValue((await request(engine, null, (s) => s.set("k", 1))).setCookie);
      const id = value.slice(0, 43);
      const bad = [
        `${id}.${"0".repeat(64)}`,
        signValue(id, "a-foreign-application-secret-32-bytes!!"),
        `${id.slice(0, 42)}B${value.slice(43)}`,
        id,
        "garbage",
        ".",
        "\u00ff\u00fe.x",
      ];
      for (const cookie of bad) {
        const session = engine.load(`lauren_session=${cookie}`);
        assert.ok(!(session instanceof Promise), cookie);
        assert.equal(session.isNew, true);
      }
      assert.equal(store.loads, 0);
    });

    test("a validly signed value that is not a well-formed id never reaches the store", () => {
      const store = new ScriptedStore();
      const engine = makeEngine({ store });
      for (const value of ["short", "A".repeat(44), `${"A".repeat(42)}+`, `${"A".repeat(42)}=`]) {
        const session = engine.load(`lauren_session=${signValue(value, SECRET)}`);
        assert.ok(!(session instanceof Promise) && session.isNew);
      }
      assert.equal(store.loads, 0);
    });

    test("an unknown id gives a new session, creates no record, and is never adopted", async () => {
      const store = new ScriptedStore();
      const engine = makeEngine({ store });
      const planted = "P".repeat(43);
      const read = await request(engine, signValue(planted, SECRET));
      assert.equal(read.session.isNew, true);
      assert.equal(read.setCookie, null);
      assert.equal(store.size, 0);
      const write = await request(engine, signValue(planted, SECRET), (s) => s.set("hero_id", 1));
      assert.notEqual(write.session.id, planted);
      assert.ok(!(write.setCookie as string).includes(planted));
    });

    test("no cookie header, however hostile, makes load throw", async () => {
      const engine = makeEngine({ store: new ScriptedStore() });
      const cookieEngine = makeEngine({ store: new SignedCookieSessionStore() });
      const valid = cookieValue((await request(cookieEngine, null, (s) => s.set("k", 1))).setCookie);
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 200 }), fc.string({ maxLength: 20 }), async (noise, suffix) => {
          for (const e of [engine, cookieEngine]) {
            for (const header of [noise, `lauren_session=${noise}`, `lauren_session=${valid}${suffix}`]) {
              const session = await e.load(header);
              assert.equal(typeof session.isNew, "boolean");
            }
          }
        }),
      );
    });

    test("an expired stateless cookie is anonymous", async () => {
      const clock = new Clock();
      const engine = makeEngine({ store: new SignedCookieSessionStore(), clock: clock.read, maxAge: 60 });
      const value = cookieValue((await request(engine, null, (s) => s.set("k", 1))).setCookie);
      clock.now += 59.999;
      assert.equal((await request(engine, value)).session.isNew, false);
      clock.now += 0.001;
      assert.equal((await request(engine, value)).session.isNew, true);
    });

    test("a stateless cookie with a non-numeric expiry is anonymous", () => {
      const engine = makeEngine({ store: new SignedCookieSessionStore() });
      const payload = Buffer.from('{"d":{"k":1},"x":"9999999999"}').toString("base64url");
      const session = engine.load(`lauren_session=${signValue(payload, SECRET)}`);
      assert.ok(!(session instanceof Promise) && session.isNew);
    });
  });

  describe("rule 2: key rotation", () => {
    test("a server-side cookie signed with an older secret loads and is re-issued with the current one on a pure read", async () => {
      const store = new ScriptedStore();
      const old = makeEngine({ store, secret: OLD_SECRET });
      const value = cookieValue((await request(old, null, (s) => s.set("hero_id", 1))).setCookie);
      const rotated = makeEngine({ store, secret: [SECRET, OLD_SECRET] });
      const { session, setCookie } = await request(rotated, value);
      assert.equal(session.get("hero_id"), 1);
      const id = value.slice(0, value.lastIndexOf("."));
      assert.equal(cookieValue(setCookie), signValue(id, SECRET));
      assert.equal((await request(rotated, cookieValue(setCookie))).setCookie, null, "current-key cookies are not re-issued");
    });

    test("a stateless cookie signed with an older secret is re-issued with the same data and expiry", async () => {
      const clock = new Clock();
      const store = new SignedCookieSessionStore();
      const old = makeEngine({ store, secret: OLD_SECRET, clock: clock.read });
      const value = cookieValue((await request(old, null, (s) => s.set("hero_id", 1))).setCookie);
      clock.now += 30;
      const rotated = makeEngine({ store, secret: [SECRET, OLD_SECRET], clock: clock.read });
      const reissued = cookieValue((await request(rotated, value)).setCookie);
      assert.deepEqual(envelope(reissued), envelope(value));
      assert.notEqual(reissued, value);
    });
  });

  describe("rule 3: the server-side row", () => {
    test("a session whose row has expired is a new session", async () => {
      const clock = new Clock();
      const store = new ScriptedStore({ clock: clock.read });
      const engine = makeEngine({ store, clock: clock.read, maxAge: 100 });
      const value = cookieValue((await request(engine, null, (s) => s.set("k", 1))).setCookie);
      clock.now += 99;
      assert.equal((await request(engine, value)).session.isNew, false);
      clock.now += 1;
      assert.equal((await request(engine, value)).session.isNew, true);
    });
  });

  describe("rule 4: stored data must be a plain object", () => {
    for (const [label, row] of [
      ["an array", [1, 2]],
      ["a string", "hero"],
      ["a class instance", new Date(0)],
      ["a Map", new Map([["k", 1]])],
    ] as const) {
      test(`a row holding ${label} is absent, deleted and logged`, async () => {
        const store = new RawStore();
        const logger = new MemoryLogger();
        const engine = makeEngine({ store }, logger);
        const id = "R".repeat(43);
        store.rows.set(id, row);
        const { session } = await request(engine, signValue(id, SECRET));
        assert.equal(session.isNew, true);
        assert.deepEqual(store.deleted, [id]);
        assert.equal(logger.entries.filter((e) => e.level === "warn").length, 1);
        assert.match(logger.entries.at(-1)?.message ?? "", /not a plain object/);
      });
    }

    test("a row with a __proto__ key loads it as data and pollutes nothing", async () => {
      const store = new RawStore();
      const engine = makeEngine({ store });
      const id = "R".repeat(43);
      store.rows.set(id, JSON.parse('{"__proto__":{"isAdmin":true},"hero_id":1}'));
      const { session } = await request(engine, signValue(id, SECRET));
      assert.equal(session.isNew, false);
      assert.deepEqual(session.get("__proto__"), { isAdmin: true });
      assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
      assert.equal((session.toJSON() as Record<string, unknown>).isAdmin, undefined);
    });

    test("a null-prototype row is a plain object and loads", async () => {
      const store = new RawStore();
      const engine = makeEngine({ store });
      const id = "R".repeat(43);
      store.rows.set(id, Object.assign(Object.create(null), { hero_id: 1 }));
      assert.equal((await request(engine, signValue(id, SECRET))).session.get("hero_id"), 1);
    });
  });
});
