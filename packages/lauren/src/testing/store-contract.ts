/**
 * The session store contract (SESSIONS.md §8) as runnable cases, so the in-memory store, the
 * cookie store, the Redis store and any third-party store are held to one suite. The cases
 * are plain async functions that throw on failure (node:assert), so any test runner can run
 * them: `for (const c of sessionStoreContract()) test(c.name, () => c.run(subject))`.
 */
import "../metadata/polyfill.js";
import assert from "node:assert/strict";
import { LaurenFactory } from "../app/factory.js";
import { controller } from "../decorators/controller.js";
import { module } from "../decorators/module.js";
import { get, post } from "../decorators/routes.js";
import { inject } from "../di/index.js";
import type { Ctx } from "../http/context.js";
import {
  type SaveOptions,
  SESSION_EXPIRES_AT,
  type SessionStore,
  type SessionStoreEvent,
  type StoredSessionInfo,
  UserSessions,
} from "../sessions/index.js";
import { TestClient } from "./test-client.js";

export interface StoreContractSubject {
  store: SessionStore;
  /** Epoch seconds as the store sees time; given to the session engine. */
  clock: () => number;
  /** Lets `seconds` pass for the store: a fake clock moves on, a real store really waits. */
  advance(seconds: number): Promise<void>;
  /**
   * For a store whose change feed is asynchronous (pub/sub): resolves once the listeners
   * subscribed so far will hear the next change. Omit it for a store that reports at once.
   */
  feedReady?(): Promise<void>;
}

/** The optional store methods a case needs, besides the required ones. */
export type StoreExtension = "listByUser" | "subscribe";

export interface StoreContractCase {
  name: string;
  /** Only for stores that keep rows on the server (`clientSide` unset). */
  serverSide: boolean;
  /** Only for stores that implement this optional method (skip the case for one that does not). */
  extension?: StoreExtension;
  run(subject: StoreContractSubject): Promise<void>;
}

const SECRET = "store-contract-secret-at-least-32-bytes!";
const opts = (changed: string[], deleted: string[] = [], minted = false, ttl: number | null = 600): SaveOptions => ({
  ttl,
  changed,
  deleted,
  minted,
});

@controller("/me")
class ContractIdentity {
  @get("/")
  whoami({ session }: Ctx) {
    return session.toJSON();
  }

  @post("/login")
  login({ session }: Ctx) {
    session.regenerateId();
    session.set("hero_id", 1);
    session.set("name", "Volt");
    return { ok: true };
  }

  @post("/set")
  set({ session, query }: Ctx) {
    for (const [key, value] of Object.entries(query)) session.set(key, value);
    return { ok: true };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return { ok: true };
  }
}

@controller("/account")
class ContractAccount {
  private readonly sessions = inject(UserSessions);

  @post("/login")
  login({ session, query, request }: Ctx) {
    session.regenerateId();
    session.set("user_id", query.user);
    session.set("user_agent", request.header("user-agent") ?? "unknown");
    return { ok: true };
  }

  @get("/sessions")
  async list({ session }: Ctx) {
    const all = await this.sessions.list(session.get("user_id") as string, session);
    return all.map((s) => ({ id: s.id, current: s.current, agent: s.data.user_agent }));
  }

  @post("/sessions/sign-out-others")
  async others({ session }: Ctx) {
    return { ended: await this.sessions.endOthers(session.get("user_id") as string, session) };
  }
}

@module({ controllers: [ContractIdentity, ContractAccount] })
class ContractModule {}

let users = 0;
/** A user id no earlier case (or earlier run against a shared store) has used. */
const freshUser = (): string => `user-${process.pid}-${Date.now()}-${++users}`;

/** `store.listByUser(user)`, for a store that must have it. */
function listOf(store: SessionStore, user: string): Promise<StoredSessionInfo[]> {
  const list = store.listByUser;
  assert.ok(list !== undefined, "the store implements listByUser");
  return list.call(store, user);
}

/** The ids `listByUser` reports for `user`, sorted. */
async function listed(store: SessionStore, user: string): Promise<string[]> {
  return (await listOf(store, user)).map((s) => s.id).sort();
}

/** Waits (in real time, at most 2 s) until `check` holds: change feeds may deliver on a later turn. */
export async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function client(subject: StoreContractSubject, extra: { idleTimeout?: number; maxAge?: number } = {}): TestClient {
  return new TestClient(
    LaurenFactory.create(ContractModule, {
      logger: false,
      sessions: { secret: SECRET, secure: false, store: subject.store, clock: subject.clock, ...extra },
    }),
  );
}

async function login(api: TestClient): Promise<string> {
  const value = (await api.post("/me/login")).cookie("lauren_session")?.value;
  assert.ok(value !== undefined, "login sends a session cookie");
  return value;
}

const me = (api: TestClient, cookie: string) => api.get("/me/", { cookies: { lauren_session: cookie } });

/** Every case of the contract; filter on `serverSide` for a client-side store. */
export function sessionStoreContract(): StoreContractCase[] {
  const cases: StoreContractCase[] = [];
  const add = (name: string, serverSide: boolean, run: StoreContractCase["run"], extension?: StoreExtension) =>
    cases.push({ name, serverSide, run, ...(extension === undefined ? {} : { extension }) });

  add("mints 43-character base64url ids that do not repeat", false, async ({ store }) => {
    const ids = new Set(Array.from({ length: 500 }, () => store.newId()));
    assert.equal(ids.size, 500);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{43}$/);
  });

  add("a minted save creates the row, replacing whatever the id held", true, async ({ store }) => {
    const id = store.newId();
    assert.equal(await store.load(id), null, "an unknown id loads as null");
    assert.notEqual(await store.save(id, { a: 1, b: 2 }, opts(["a", "b"], [], true)), false);
    assert.deepEqual({ ...(await store.load(id)) }, { a: 1, b: 2 });
    await store.save(id, { c: 3 }, opts(["c"], [], true));
    assert.deepEqual({ ...(await store.load(id)) }, { c: 3 });
  });

  add("save merges the changed and deleted keys onto what the store holds", true, async ({ store }) => {
    const id = store.newId();
    await store.save(id, { a: 1, b: 2, c: 3 }, opts(["a", "b", "c"], [], true));
    await store.save(id, { a: 10, stale: "ignored" }, opts(["a"], ["c"]));
    assert.deepEqual({ ...(await store.load(id)) }, { a: 10, b: 2 });
  });

  add("two concurrent saves of different keys of one session both persist", true, async ({ store }) => {
    const id = store.newId();
    await store.save(id, { hero_id: 1, flash: "hi" }, opts(["hero_id", "flash"], [], true));
    await Promise.all([
      store.save(id, { hero_id: 1, theme: "dark" }, opts(["theme"])),
      store.save(id, { hero_id: 1, cart: ["potion"] }, opts(["cart"], ["flash"])),
    ]);
    assert.deepEqual({ ...(await store.load(id)) }, { hero_id: 1, theme: "dark", cart: ["potion"] });
  });

  add("a save that was not minted, for an id with no row, is dropped and resolves false", true, async ({ store }) => {
    const id = store.newId();
    assert.equal(await store.save(id, { a: 1 }, opts(["a"])), false);
    assert.equal(await store.load(id), null);
  });

  add("a save racing a delete never resurrects the row", true, async ({ store }) => {
    const id = store.newId();
    await store.save(id, { hero_id: 1 }, opts(["hero_id"], [], true));
    await Promise.all([store.delete(id), store.save(id, { seen: 1 }, opts(["seen"]))]);
    assert.equal(await store.load(id), null, "whichever ran first, no row is left");
    assert.equal(await store.save(id, { seen: 2 }, opts(["seen"])), false);
    assert.equal(await store.load(id), null);
  });

  add("values round-trip with their JSON types, and odd keys stay own data", true, async ({ store }) => {
    const id = store.newId();
    const data: Record<string, unknown> = {
      s: "ünïcödé ✓",
      n: 42.5,
      t: true,
      z: null,
      o: { nested: [1, "two", { three: 3 }] },
      "": "empty key",
      "\u0000x": "nul key",
    };
    Object.defineProperty(data, "__proto__", { value: { polluted: true }, enumerable: true });
    await store.save(id, data, opts(Object.keys(data), [], true));
    const loaded = (await store.load(id)) as Record<string, unknown>;
    assert.deepEqual({ ...loaded }, { ...data });
    assert.equal(Object.getPrototypeOf(loaded), Object.prototype, "a __proto__ key is data, not a prototype");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  add("a changed key whose value cannot be stored is removed", true, async ({ store }) => {
    const id = store.newId();
    await store.save(id, { a: 1, b: 2 }, opts(["a", "b"], [], true));
    await store.save(id, { a: undefined }, opts(["a", "b"]));
    assert.deepEqual({ ...(await store.load(id)) }, {});
    assert.notEqual(await store.save(id, { c: 3 }, opts(["c"])), false, "a session emptied of keys still exists");
  });

  add("loads hand out copies: mutating one never changes the stored row", true, async ({ store }) => {
    const id = store.newId();
    await store.save(id, { cart: ["potion"] }, opts(["cart"], [], true));
    const first = (await store.load(id)) as { cart: string[] };
    first.cart.push("sword");
    assert.deepEqual({ ...(await store.load(id)) }, { cart: ["potion"] });
  });

  add("rows expire after their TTL; touch extends it without writing data, and never creates a row", true, async (subject) => {
    const { store } = subject;
    const id = store.newId();
    await store.save(id, { a: 1 }, opts(["a"], [], true, 1));
    await subject.advance(0.6);
    await store.save(id, { b: 2 }, opts(["b"], [], false, 1));
    await subject.advance(0.6);
    // A store without touch() is refreshed by the engine with an empty save.
    if (store.touch !== undefined) await store.touch(id, 1);
    else await store.save(id, {}, opts([], [], false, 1));
    await subject.advance(0.6);
    assert.deepEqual({ ...(await store.load(id)) }, { a: 1, b: 2 }, "alive 1.8 s after creation thanks to the save and the touch");
    await subject.advance(0.6);
    assert.equal(await store.load(id), null, "gone once the TTL ran out");
    await store.touch?.(id, 1);
    assert.equal(await store.load(id), null, "touch never creates a row");
    assert.equal(await store.save(id, { a: 1 }, opts(["a"])), false);
  });

  add("a row saved without TTL does not expire; a loaded row may report its expiry", true, async (subject) => {
    const { store } = subject;
    const forever = store.newId();
    const timed = store.newId();
    await store.save(forever, { a: 1 }, opts(["a"], [], true, null));
    await store.save(timed, { a: 1 }, opts(["a"], [], true, 600));
    const f = (await store.load(forever)) as Record<PropertyKey, unknown>;
    const t = (await store.load(timed)) as Record<PropertyKey, unknown>;
    if (SESSION_EXPIRES_AT in t) {
      assert.equal(f[SESSION_EXPIRES_AT], null);
      const expiresAt = t[SESSION_EXPIRES_AT] as number;
      assert.ok(Math.abs(expiresAt - (subject.clock() + 600)) < 5, `expiry ${expiresAt} is about now + 600 s`);
      assert.deepEqual(Object.keys(t), ["a"], "the expiry is not session data");
    }
    await store.delete(forever);
    assert.equal(await store.load(forever), null);
  });

  add("through an app: login, read, update, logout; the logged-out cookie is anonymous", false, async (subject) => {
    const api = client(subject);
    const cookie = await login(api);
    assert.deepEqual((await me(api, cookie)).json(), { hero_id: 1, name: "Volt" });
    const set = await api.post("/me/set", { cookies: { lauren_session: cookie }, query: { theme: "dark" } });
    const next = set.cookie("lauren_session")?.value ?? cookie;
    assert.deepEqual((await me(api, next)).json(), { hero_id: 1, name: "Volt", theme: "dark" });
    const logout = await api.post("/me/logout", { cookies: { lauren_session: next } });
    assert.match(String(logout.headers["set-cookie"]), /^lauren_session=; Max-Age=0/);
    if (!subject.store.clientSide) assert.deepEqual((await me(api, next)).json(), {}, "the replayed cookie is anonymous");
  });

  add("through an app: login regenerates the id, and the pre-login id no longer loads", true, async (subject) => {
    const api = client(subject);
    const anonymous = (await api.post("/me/set", { query: { visits: "1" } })).cookie("lauren_session")?.value as string;
    const signedIn = (await api.post("/me/login", { cookies: { lauren_session: anonymous } })).cookie("lauren_session")?.value as string;
    assert.notEqual(signedIn, anonymous);
    assert.deepEqual((await me(api, signedIn)).json(), { visits: "1", hero_id: 1, name: "Volt" });
    assert.deepEqual((await me(api, anonymous)).json(), {}, "a planted pre-login cookie identifies nobody");
  });

  add("through an app: overlapping requests that change different keys both persist", true, async (subject) => {
    const api = client(subject);
    const cookie = await login(api);
    const cookies = { lauren_session: cookie };
    await Promise.all([
      api.post("/me/set", { cookies, query: { theme: "dark" } }),
      api.post("/me/set", { cookies, query: { lang: "fr" } }),
    ]);
    assert.deepEqual((await me(api, cookie)).json(), { hero_id: 1, name: "Volt", theme: "dark", lang: "fr" });
  });

  add("through an app: an idle session stays alive while it is read, and dies when left alone", false, async (subject) => {
    const api = client(subject, { idleTimeout: 2, maxAge: 60 });
    let cookie = await login(api);
    for (let i = 0; i < 2; i++) {
      await subject.advance(1.2);
      const read = await me(api, cookie);
      assert.deepEqual(read.json(), { hero_id: 1, name: "Volt" }, `read ${i + 1} keeps it alive`);
      cookie = read.cookie("lauren_session")?.value ?? cookie;
    }
    await subject.advance(2.1);
    assert.deepEqual((await me(api, cookie)).json(), {}, "idle past the timeout");
  });

  add(
    "listByUser: a save with a userId files the session, with its data, creation, last use and expiry",
    true,
    async (subject) => {
      const { store } = subject;
      const [user, other] = [freshUser(), freshUser()];
      const id = store.newId();
      const before = subject.clock();
      const data = { user_id: user, user_agent: "Firefox" };
      await store.save(id, data, { ...opts(["user_id", "user_agent"], [], true, 100), userId: user });
      const [info, ...rest] = await listOf(store, user);
      assert.equal(rest.length, 0);
      assert.deepEqual({ ...info, createdAt: 0, lastSeenAt: 0, expiresAt: 0 }, { id, data, createdAt: 0, lastSeenAt: 0, expiresAt: 0 });
      const { createdAt, lastSeenAt, expiresAt } = info as StoredSessionInfo;
      assert.ok(Math.abs(createdAt - before) < 2, `created ${createdAt} is about ${before}`);
      assert.ok(lastSeenAt >= createdAt);
      assert.ok(expiresAt !== null && Math.abs(expiresAt - (before + 100)) < 2, `expires ${expiresAt} is about now + 100 s`);
      assert.deepEqual(await listOf(store, other), [], "other users have none");
      await subject.advance(0.3);
      await store.save(id, { theme: "dark" }, opts(["theme"], [], false, 100));
      const [again] = await listOf(store, user);
      assert.equal(again?.createdAt, createdAt, "a save keeps the creation time");
      assert.ok((again?.lastSeenAt as number) > lastSeenAt, "a save counts as a use");
      assert.deepEqual(again?.data, { ...data, theme: "dark" }, "a save without userId keeps the filing");
    },
    "listByUser",
  );

  add(
    "listByUser: a new userId moves the session, null takes it out, a minted save over the id refiles it",
    true,
    async ({ store }) => {
      const [seven, eight] = [freshUser(), freshUser()];
      const id = store.newId();
      await store.save(id, { user_id: seven }, { ...opts(["user_id"], [], true), userId: seven });
      await store.save(id, { user_id: eight }, { ...opts(["user_id"]), userId: eight });
      assert.deepEqual(await listed(store, seven), []);
      assert.deepEqual(await listed(store, eight), [id]);
      await store.save(id, {}, { ...opts([], ["user_id"]), userId: null });
      assert.deepEqual(await listed(store, eight), []);
      await store.save(id, {}, { ...opts([], [], true), userId: seven });
      await store.save(id, {}, { ...opts([], [], true), userId: eight });
      assert.deepEqual(await listed(store, seven), []);
      assert.deepEqual(await listed(store, eight), [id]);
      assert.deepEqual({ ...(await store.load(id)) }, {}, "the filing is not session data");
    },
    "listByUser",
  );

  add(
    "listByUser: a deleted or expired session is never listed; touch keeps a filed session listed",
    true,
    async (subject) => {
      const { store } = subject;
      const user = freshUser();
      const [short, touched, long] = [store.newId(), store.newId(), store.newId()];
      for (const [id, ttl] of [
        [short, 1],
        [touched, 1],
        [long, 600],
      ] as const) {
        await store.save(id, {}, { ...opts([], [], true, ttl), userId: user });
      }
      assert.deepEqual(await listed(store, user), [short, touched, long].sort());
      await subject.advance(0.6);
      if (store.touch !== undefined) await store.touch(touched, 1);
      else await store.save(touched, {}, opts([], [], false, 1));
      await subject.advance(0.6);
      assert.deepEqual(await listed(store, user), [touched, long].sort(), "the expired one is gone, the touched one lives on");
      const info = (await listOf(store, user)).find((s) => s.id === touched);
      assert.ok(info?.expiresAt !== null && (info?.expiresAt as number) > subject.clock(), "its expiry moved with the touch");
      await store.delete(long);
      assert.deepEqual(await listed(store, user), [touched], "a deleted session leaves the index at once");
    },
    "listByUser",
  );

  add(
    "through an app: UserSessions lists a user's logins and signs out the others",
    true,
    async (subject) => {
      const api = client(subject);
      const user = freshUser();
      const signIn = async (agent: string) =>
        (await api.post("/account/login", { query: { user }, headers: { "user-agent": agent } })).cookie("lauren_session")?.value as string;
      const laptop = await signIn("laptop");
      const phone = await signIn("phone");
      const list = await api.get("/account/sessions", { cookies: { lauren_session: laptop } });
      const rows = (list.json() as { id: string; current: boolean; agent: string }[]).sort((a, b) => a.agent.localeCompare(b.agent));
      assert.deepEqual(
        rows.map((r) => [r.agent, r.current]),
        [
          ["laptop", true],
          ["phone", false],
        ],
      );
      assert.ok(
        rows.every((r) => /^[A-Za-z0-9_-]{22}$/.test(r.id) && !laptop.startsWith(r.id)),
        "ids are hashes, never the session id",
      );
      const ended = await api.post("/account/sessions/sign-out-others", { cookies: { lauren_session: laptop } });
      assert.deepEqual(ended.json(), { ended: 1 });
      assert.deepEqual((await me(api, phone)).json(), {}, "the other device is signed out");
      assert.equal((await me(api, laptop)).json().user_id, user, "this one stays");
    },
    "listByUser",
  );

  add(
    "subscribe: each listener hears every deletion of an existing session until it unsubscribes",
    true,
    async (subject) => {
      const { store } = subject;
      const subscribe = store.subscribe as NonNullable<SessionStore["subscribe"]>;
      const first: SessionStoreEvent[] = [];
      const second: SessionStoreEvent[] = [];
      const stopFirst = subscribe.call(store, (event) => first.push(event));
      const stopSecond = subscribe.call(store, (event) => second.push(event));
      await subject.feedReady?.();
      const [id, missing] = [store.newId(), store.newId()];
      await store.save(id, { a: 1 }, opts(["a"], [], true));
      await store.delete(id);
      await eventually(() => first.length > 0 && second.length > 0, "both listeners heard the deletion");
      await store.delete(missing);
      stopFirst();
      await subject.feedReady?.();
      await store.save(id, { a: 1 }, opts(["a"], [], true));
      await store.delete(id);
      await eventually(() => second.length > 1, "the remaining listener heard the second deletion");
      stopSecond();
      assert.deepEqual(first, [{ type: "deleted", id }], "nothing after unsubscribing");
      assert.deepEqual(
        second,
        [
          { type: "deleted", id },
          { type: "deleted", id },
        ],
        "deleting a missing session reports nothing",
      );
    },
    "subscribe",
  );

  return cases;
}
