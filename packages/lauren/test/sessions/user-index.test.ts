/**
 * The optional store extensions as only InMemorySessionStore and InMemoryRevocationStore
 * show them: a read counts as a use, eviction and sweeping leave the per-user index, and a
 * throwing feed listener changes nothing. The rules every store with these methods follows
 * are in the shared contract (store-contract.test.ts; the Redis package runs them too).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InMemoryRevocationStore, InMemorySessionStore, type RevocationEvent, type SaveOptions } from "../../src/index.js";
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
  test("a load counts as a use: lastSeenAt moves with reads, not only with saves", async () => {
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

  test("eviction and sweeping leave the index", async () => {
    const clock = new Clock();
    const store = new InMemorySessionStore({ clock: clock.read, maxSessions: 2 });
    await store.save(A, {}, opts({ minted: true, userId: "9" }));
    await store.save(B, {}, opts({ minted: true, userId: "9" }));
    await store.save(C, {}, opts({ minted: true, userId: "9" }));
    assert.deepEqual(await ids(store, "9"), [B, C], "the evicted least recently used one is gone from the index");
    clock.now = NOW + 10_000;
    store.sweep();
    assert.deepEqual(await ids(store, "9"), []);
    assert.equal(store.size, 0);
  });
});

describe("InMemoryRevocationStore's change feed", () => {
  test("a throwing listener changes nothing: the others still hear, the revocation holds", async () => {
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
