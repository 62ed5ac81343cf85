/**
 * The optional store extensions, as InMemorySessionStore and InMemoryRevocationStore
 * implement them: a per-user index kept consistent with saves, deletes, expiry and
 * eviction, and change feeds for deletions and revocations. Any store claiming these
 * methods must pass the same rules.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  InMemoryRevocationStore,
  InMemorySessionStore,
  type RevocationEvent,
  type SaveOptions,
  type SessionStoreEvent,
} from "../../src/index.js";
import { Clock, NOW } from "./helpers.js";

const A = "a".repeat(43);
const B = "b".repeat(43);
const C = "c".repeat(43);

function opts(over: Partial<SaveOptions>): SaveOptions {
  return { ttl: 100, changed: [], deleted: [], minted: false, ...over };
}

async function ids(store: InMemorySessionStore, user: string): Promise<string[]> {
  return (await store.listByUser(user)).map((s) => s.id).sort();
}

describe("InMemorySessionStore's per-user index", () => {
  test("a save with userId files the session; listByUser reports data, created, last seen and expiry", async () => {
    const clock = new Clock();
    const store = new InMemorySessionStore({ clock: clock.read });
    await store.save(A, { user_id: 7, user_agent: "Firefox" }, opts({ changed: ["user_id", "user_agent"], minted: true, userId: "7" }));
    clock.now = NOW + 5;
    await store.load(A);
    const [info, ...rest] = await store.listByUser("7");
    assert.equal(rest.length, 0);
    assert.deepEqual(info, {
      id: A,
      data: { user_id: 7, user_agent: "Firefox" },
      createdAt: NOW,
      lastSeenAt: NOW + 5,
      expiresAt: NOW + 100,
    });
    assert.deepEqual(await store.listByUser("8"), []);
  });

  test("a save without userId leaves the filing alone; a new userId moves it; null removes it", async () => {
    const store = new InMemorySessionStore();
    await store.save(A, { user_id: 7 }, opts({ changed: ["user_id"], minted: true, userId: "7" }));
    await store.save(A, { cart: 1 }, opts({ changed: ["cart"] }));
    assert.deepEqual(await ids(store, "7"), [A]);
    await store.save(A, { user_id: 8 }, opts({ changed: ["user_id"], userId: "8" }));
    assert.deepEqual(await ids(store, "7"), []);
    assert.deepEqual(await ids(store, "8"), [A]);
    await store.save(A, {}, opts({ deleted: ["user_id"], userId: null }));
    assert.deepEqual(await ids(store, "8"), []);
  });

  test("delete (logout), expiry, sweeping and eviction all leave the index", async () => {
    const clock = new Clock();
    const store = new InMemorySessionStore({ clock: clock.read, maxSessions: 2 });
    await store.save(A, {}, opts({ minted: true, userId: "7", ttl: 10 }));
    await store.save(B, {}, opts({ minted: true, userId: "7", ttl: 1000 }));
    assert.deepEqual(await ids(store, "7"), [A, B]);
    clock.now = NOW + 10;
    assert.deepEqual(await ids(store, "7"), [B], "expired sessions are never listed");
    await store.delete(B);
    assert.deepEqual(await ids(store, "7"), []);
    await store.save(A, {}, opts({ minted: true, userId: "9" }));
    await store.save(B, {}, opts({ minted: true, userId: "9" }));
    await store.save(C, {}, opts({ minted: true, userId: "9" }));
    assert.deepEqual(await ids(store, "9"), [B, C], "the evicted least recently used one is gone from the index");
    clock.now = NOW + 10_000;
    store.sweep();
    assert.deepEqual(await ids(store, "9"), []);
    assert.equal(store.size, 0);
  });

  test("a minted save over an existing id refiles it", async () => {
    const store = new InMemorySessionStore();
    await store.save(A, {}, opts({ minted: true, userId: "7" }));
    await store.save(A, {}, opts({ minted: true, userId: "8" }));
    assert.deepEqual(await ids(store, "7"), []);
    assert.deepEqual(await ids(store, "8"), [A]);
  });

  test("subscribe reports deletions of existing sessions until unsubscribed", async () => {
    const store = new InMemorySessionStore();
    const seen: SessionStoreEvent[] = [];
    const stop = store.subscribe((event) => seen.push(event));
    await store.save(A, {}, opts({ minted: true }));
    await store.delete(A);
    await store.delete(B);
    stop();
    await store.save(A, {}, opts({ minted: true }));
    await store.delete(A);
    assert.deepEqual(seen, [{ type: "deleted", id: A }]);
  });
});

describe("InMemoryRevocationStore's change feed", () => {
  test("reports revoked tokens and user cutoffs (user ids as strings); a throwing listener changes nothing", async () => {
    const clock = new Clock();
    const store = new InMemoryRevocationStore({ clock: clock.read });
    const seen: RevocationEvent[] = [];
    store.subscribe(() => {
      throw new Error("listener bug");
    });
    const stop = store.subscribe((event) => seen.push(event));
    await store.revokeToken("tok", 60);
    await store.revokeUser(7);
    await store.revokeUser("ada", { cutoff: NOW - 5 });
    stop();
    await store.revokeUser(8);
    assert.deepEqual(seen, [
      { type: "token", tokenId: "tok" },
      { type: "user", userId: "7", cutoff: NOW },
      { type: "user", userId: "ada", cutoff: NOW - 5 },
    ]);
    assert.equal(await store.isTokenRevoked("tok"), true);
    assert.equal(await store.userCutoff(8), NOW);
  });
});
