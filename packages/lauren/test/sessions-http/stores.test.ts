/**
 * SESSIONS.md §8 through the app: the stateless cookie store end to end, a store written
 * against the public `SessionStore` contract (the shape of a Redis adapter), and the
 * in-memory store's start-up note and expiry sweep.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import {
  type Ctx,
  controller,
  get,
  InMemoryRevocationStore,
  InMemorySessionStore,
  LaurenFactory,
  module,
  post,
  type SaveOptions,
  SessionStore,
  SignedCookieSessionStore,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { Clock, MemoryLogger, SECRET, unsigned } from "./helpers.js";

@controller("/me")
class IdentityController {
  @get("/")
  whoami({ session }: Ctx) {
    if (!session.has("hero_id")) return { identified: false };
    return { identified: true, hero_id: session.get("hero_id"), name: session.get("name") };
  }

  @post("/login")
  login({ session, query }: Ctx) {
    session.regenerateId();
    session.set("hero_id", 1);
    session.set("name", typeof query.name === "string" ? query.name : "Volt");
    return { welcome: session.get("name") };
  }

  @post("/rename")
  rename({ session, query }: Ctx) {
    session.set("name", query.name);
    return { ok: true };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return { farewell: true };
  }
}

@module({ controllers: [IdentityController] })
class IdentityModule {}

describe("SignedCookieSessionStore", () => {
  test("login, whoami and logout work with no server-side state at all", async () => {
    const client = new TestClient(
      LaurenFactory.create(IdentityModule, { logger: false, sessions: { secret: SECRET, store: new SignedCookieSessionStore() } }),
    );
    const login = await client.post("/me/login");
    assert.deepEqual(login.json(), { welcome: "Volt" });
    const cookie = login.cookie("lauren_session");
    assert.ok(cookie !== undefined);
    assert.match(cookie.raw, /^lauren_session=[A-Za-z0-9_-]+\.[0-9a-f]{64}; Max-Age=1209600; Path=\/; Secure; HttpOnly; SameSite=Lax$/);

    const me = await client.get("/me/", { cookies: { lauren_session: cookie.value } });
    assert.deepEqual(me.json(), { identified: true, hero_id: 1, name: "Volt" });
    assert.equal(me.headers["set-cookie"], undefined, "a pure read re-sends nothing");

    // A change re-seals the whole envelope, so the cookie is re-sent.
    const renamed = await client.post("/me/rename", { cookies: { lauren_session: cookie.value }, query: { name: "Volta" } });
    const next = renamed.cookie("lauren_session")?.value as string;
    assert.notEqual(next, cookie.value);
    assert.equal((await client.get("/me/", { cookies: { lauren_session: next } })).json().name, "Volta");

    const logout = await client.post("/me/logout", { cookies: { lauren_session: next } });
    assert.equal(logout.headers["set-cookie"], "lauren_session=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax");
  });

  test("a session that would not fit in 4096 bytes is a 500 session_too_large, never a truncated cookie", async () => {
    const client = new TestClient(
      LaurenFactory.create(IdentityModule, { logger: false, sessions: { secret: SECRET, store: new SignedCookieSessionStore() } }),
    );
    const res = await client.post("/me/login", { query: { name: "V".repeat(4_000) } });
    assert.equal(res.status, 500);
    assert.equal(res.headers["set-cookie"], undefined);
    assert.equal(res.json().error.code, "session_too_large");
    assert.equal(res.json().error.detail.limit, 4096);
  });
});

/**
 * What a Redis adapter looks like, with a Map standing in for Redis: one hash per session,
 * changed keys written with HSET, deleted ones with HDEL, EXPIRE for the TTL. A save for an
 * id that was not minted and whose hash is gone is dropped (Redis would do it in one script).
 */
class HashStore extends SessionStore {
  readonly hashes = new Map<string, { fields: Map<string, string>; expiresAt: number | null }>();
  readonly clock: () => number;
  /** Runs once after the next load: lets a test play "another worker" mid-request. */
  afterNextLoad: ((id: string) => void) | null = null;

  constructor(clock: () => number) {
    super();
    this.clock = clock;
  }

  newId(): string {
    return randomBytes(32).toString("base64url");
  }

  async load(id: string): Promise<Record<string, unknown> | null> {
    const hash = this.#live(id);
    const hook = this.afterNextLoad;
    this.afterNextLoad = null;
    hook?.(id);
    if (hash === undefined) return null;
    return Object.fromEntries([...hash.fields].map(([key, json]) => [key, JSON.parse(json)]));
  }

  async save(id: string, data: Record<string, unknown>, opts: SaveOptions): Promise<boolean> {
    let hash = this.#live(id);
    if (hash === undefined) {
      if (!opts.minted) return false;
      hash = { fields: new Map(), expiresAt: null };
      this.hashes.set(id, hash);
    }
    for (const key of opts.changed) hash.fields.set(key, JSON.stringify(data[key]));
    for (const key of opts.deleted) hash.fields.delete(key);
    hash.expiresAt = opts.ttl === null ? null : this.clock() + opts.ttl;
    return true;
  }

  async delete(id: string): Promise<void> {
    this.hashes.delete(id);
  }

  #live(id: string) {
    const hash = this.hashes.get(id);
    if (hash !== undefined && hash.expiresAt !== null && this.clock() >= hash.expiresAt) {
      this.hashes.delete(id);
      return undefined;
    }
    return hash;
  }
}

describe("a custom SessionStore", () => {
  test("a store implementing the abstract class serves login, updates, expiry and logout, and drops raced saves", async () => {
    const clock = new Clock();
    const store = new HashStore(clock.read);
    const logger = new MemoryLogger();
    const client = new TestClient(
      LaurenFactory.create(IdentityModule, { logger, sessions: { secret: SECRET, store, clock: clock.read, maxAge: 600 } }),
    );
    assert.ok(!logger.entries.some((e) => /per-process|this process only/.test(e.message)), "no in-memory note for a shared store");

    const cookie = (await client.post("/me/login")).cookie("lauren_session")?.value as string;
    const id = unsigned(cookie);
    assert.deepEqual([...(store.hashes.get(id)?.fields.keys() ?? [])], ["hero_id", "name"]);
    await client.post("/me/rename", { cookies: { lauren_session: cookie }, query: { name: "Volta" } });
    assert.equal(store.hashes.get(id)?.fields.get("name"), '"Volta"');
    assert.deepEqual((await client.get("/me/", { cookies: { lauren_session: cookie } })).json(), {
      identified: true,
      hero_id: 1,
      name: "Volta",
    });

    // Another worker logs this session out while this request is in flight: its write must not bring it back.
    store.afterNextLoad = (loaded) => store.hashes.delete(loaded);
    const raced = await client.post("/me/rename", { cookies: { lauren_session: cookie }, query: { name: "Ghost" } });
    assert.equal(raced.headers["set-cookie"], undefined);
    assert.equal(store.hashes.has(id), false);

    const again = (await client.post("/me/login")).cookie("lauren_session")?.value as string;
    clock.now += 600;
    assert.deepEqual((await client.get("/me/", { cookies: { lauren_session: again } })).json(), { identified: false }, "TTL honoured");
    const fresh = (await client.post("/me/login")).cookie("lauren_session")?.value as string;
    await client.post("/me/logout", { cookies: { lauren_session: fresh } });
    assert.equal(store.hashes.has(unsigned(fresh)), false);
  });
});

describe("InMemorySessionStore", () => {
  test("create() notes once that the in-memory stores are per-process", () => {
    const logger = new MemoryLogger();
    LaurenFactory.create(IdentityModule, { logger, sessions: { secret: SECRET, revocationStore: new InMemoryRevocationStore() } });
    const notes = logger.entries.filter((e) => e.level === "info" && /this process only/.test(e.message));
    assert.equal(notes.length, 2);
    assert.match(notes[0]?.message ?? "", /InMemorySessionStore keeps sessions in this process only.*Redis/);
    assert.match(notes[1]?.message ?? "", /InMemoryRevocationStore keeps revocations in this process only/);
  });

  test("expired sessions are swept, so abandoned logins do not accumulate", async () => {
    const clock = new Clock();
    const store = new InMemorySessionStore({ clock: clock.read });
    const client = new TestClient(
      LaurenFactory.create(IdentityModule, { logger: false, sessions: { secret: SECRET, store, clock: clock.read, maxAge: 60 } }),
    );
    for (let i = 0; i < 5; i++) await client.post("/me/login");
    assert.equal(store.size, 5);
    clock.now += 60;
    store.sweep();
    assert.equal(store.size, 0);
    await client.app.shutdown();
  });
});
