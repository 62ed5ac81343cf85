/**
 * The revocation store contract (SESSIONS.md §7) as runnable cases, shared by the in-memory
 * store, the Redis store and any third-party one. Like the session store contract, each case
 * is an async function that throws on failure, so any test runner can run it.
 */
import "../metadata/polyfill.js";
import assert from "node:assert/strict";
import { LaurenFactory } from "../app/factory.js";
import { controller } from "../decorators/controller.js";
import { module } from "../decorators/module.js";
import { get, post } from "../decorators/routes.js";
import type { Ctx } from "../http/context.js";
import { type RevocationEvent, type RevocationStore, SignedCookieSessionStore } from "../sessions/index.js";
import { eventually } from "./store-contract.js";
import { TestClient } from "./test-client.js";

export interface RevocationContractSubject {
  store: RevocationStore;
  /** Epoch seconds as the store sees time; given to the session engine. */
  clock: () => number;
  /** Lets `seconds` pass for the store: a fake clock moves on, a real store really waits. */
  advance(seconds: number): Promise<void>;
  /** As for the session store contract: resolves once the listeners subscribed so far will hear the next change. */
  feedReady?(): Promise<void>;
}

export interface RevocationContractCase {
  name: string;
  /** Set when the case needs the optional `subscribe` (skip it for a store without one). */
  extension?: "subscribe";
  run(subject: RevocationContractSubject): Promise<void>;
}

const SECRET = "store-contract-secret-at-least-32-bytes!";

@controller("/me")
class RevocationIdentity {
  @get("/")
  whoami({ session }: Ctx) {
    return session.toJSON();
  }

  @post("/login")
  login({ session, query }: Ctx) {
    session.regenerateId();
    session.set("user_id", query.user);
    return { ok: true };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return { ok: true };
  }
}

@module({ controllers: [RevocationIdentity] })
class RevocationModule {}

let users = 0;
/** A user id no earlier case (or earlier run against a shared store) has used. */
const freshUser = (): string => `u-${process.pid}-${Date.now()}-${++users}`;

export function revocationStoreContract(): RevocationContractCase[] {
  const cases: RevocationContractCase[] = [];
  const add = (name: string, run: RevocationContractCase["run"], extension?: "subscribe") =>
    cases.push({ name, run, ...(extension === undefined ? {} : { extension }) });

  add("a revoked token id is reported revoked for its TTL, then forgotten", async (subject) => {
    const { store } = subject;
    const token = store.newTokenId();
    assert.match(token, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(await store.isTokenRevoked(token), false);
    await store.revokeToken(token, 1);
    assert.equal(await store.isTokenRevoked(token), true);
    assert.equal(await store.isTokenRevoked(store.newTokenId()), false, "only that token");
    await subject.advance(0.6);
    assert.equal(await store.isTokenRevoked(token), true);
    await subject.advance(0.6);
    assert.equal(await store.isTokenRevoked(token), false, "pruned once the cookie could no longer be presented");
  });

  add("revokeUser records a cutoff of now; numeric and string ids are one user", async (subject) => {
    const { store } = subject;
    const id = 900_000_000 + Math.floor(Math.random() * 1e8);
    assert.equal(await store.userCutoff(id), null);
    const before = subject.clock();
    await store.revokeUser(id);
    const cutoff = await store.userCutoff(String(id));
    assert.ok(cutoff !== null && cutoff >= before && cutoff <= subject.clock(), `cutoff ${cutoff} is now`);
    assert.equal(await store.userCutoff(freshUser()), null, "other users have none");
    await store.revokeUser(id, { cutoff: before - 100 });
    assert.equal(await store.userCutoff(id), before - 100, "an explicit cutoff replaces the last one, exactly");
  });

  add("a user cutoff lasts the session lifetime (or its own ttl), then prunes itself", async (subject) => {
    const { store } = subject;
    const saved = store.sessionLifetime;
    store.sessionLifetime = 1;
    try {
      const a = freshUser();
      const b = freshUser();
      await store.revokeUser(a);
      await store.revokeUser(b, { ttl: 3 });
      await subject.advance(0.6);
      assert.notEqual(await store.userCutoff(a), null);
      await subject.advance(0.6);
      assert.equal(await store.userCutoff(a), null);
      assert.notEqual(await store.userCutoff(b), null, "its own ttl keeps it longer");
    } finally {
      store.sessionLifetime = saved;
    }
  });

  add("through an app: logout deny-lists a stateless cookie and revokeUser ends every session of that user", async (subject) => {
    const api = new TestClient(
      LaurenFactory.create(RevocationModule, {
        logger: false,
        sessions: {
          secret: SECRET,
          secure: false,
          store: new SignedCookieSessionStore(),
          revocationStore: subject.store,
          clock: subject.clock,
        },
      }),
    );
    const user = freshUser();
    const signIn = async (who: string) => (await api.post("/me/login", { query: { user: who } })).cookie("lauren_session")?.value as string;
    const me = async (cookie: string) => (await api.get("/me/", { cookies: { lauren_session: cookie } })).json();
    const laptop = await signIn(user);
    const phone = await signIn(user);
    const other = await signIn(freshUser());
    await api.post("/me/logout", { cookies: { lauren_session: laptop } });
    assert.deepEqual(await me(laptop), {}, "a replayed logged-out cookie is anonymous");
    assert.deepEqual(await me(phone), { user_id: user });
    await subject.advance(0.01);
    await subject.store.revokeUser(user);
    await subject.advance(0.01);
    assert.deepEqual(await me(phone), {}, "log out everywhere");
    assert.notDeepEqual(await me(other), {}, "other users keep their sessions");
    assert.deepEqual(await me(await signIn(user)), { user_id: user }, "new logins work");
  });

  add(
    "subscribe: reports revoked tokens and user cutoffs (user ids as strings) until unsubscribed",
    async (subject) => {
      const { store } = subject;
      const subscribe = store.subscribe as NonNullable<RevocationStore["subscribe"]>;
      const first: RevocationEvent[] = [];
      const second: RevocationEvent[] = [];
      const stopFirst = subscribe.call(store, (event) => first.push(event));
      const stopSecond = subscribe.call(store, (event) => second.push(event));
      await subject.feedReady?.();
      const token = store.newTokenId();
      const numeric = 900_000_000 + Math.floor(Math.random() * 1e8);
      const named = freshUser();
      const cutoff = Math.floor(subject.clock()) - 5;
      await store.revokeToken(token, 60);
      await store.revokeUser(numeric, { cutoff });
      await eventually(() => first.length >= 2, "the first two events arrived");
      stopFirst();
      await subject.feedReady?.();
      await store.revokeUser(named, { cutoff });
      await eventually(() => second.length >= 3, "the third event arrived");
      stopSecond();
      const expected: RevocationEvent[] = [
        { type: "token", tokenId: token },
        { type: "user", userId: String(numeric), cutoff },
      ];
      assert.deepEqual(first, expected, "nothing after unsubscribing");
      assert.deepEqual(second, [...expected, { type: "user", userId: named, cutoff }]);
      assert.equal(await store.userCutoff(named), cutoff, "the revocation itself holds");
    },
    "subscribe",
  );

  return cases;
}
