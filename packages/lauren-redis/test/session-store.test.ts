/**
 * RedisSessionStore and RedisRevocationStore against a real Redis: the shared store
 * contracts (the very cases the in-memory stores pass, per-user index and change feeds
 * included), then what only Redis shows: the layout of the keys, the index's own expiry,
 * change feeds crossing between processes, and scripts re-sent after a Redis restart.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RevocationEvent, SessionStoreEvent } from "lauren";
import { revocationStoreContract, sessionStoreContract } from "lauren/testing";
import { RedisConnection, RedisRevocationStore, RedisSessionStore } from "../src/index.js";
import { connect, needsRedis, needsRedisServer, PrivateRedis, REDIS_URL, uniquePrefix, waitFor } from "./redis.js";

/** The contracts' subject on a real Redis: real time, and pub/sub subscriptions awaited. */
const onRedis = (redis: RedisConnection) => ({
  clock: () => Date.now() / 1000,
  advance: (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000)),
  feedReady: () => redis.subscriptionsReady(),
});

describe("RedisSessionStore: the session store contract", { skip: needsRedis }, () => {
  let redis: RedisConnection;
  before(async () => {
    redis = await connect();
  });
  after(() => redis.close());
  for (const c of sessionStoreContract()) {
    test(c.name, () => c.run({ store: new RedisSessionStore(redis), ...onRedis(redis) }));
  }
});

describe("RedisRevocationStore: the revocation store contract", { skip: needsRedis }, () => {
  let redis: RedisConnection;
  before(async () => {
    redis = await connect();
  });
  after(() => redis.close());
  for (const c of revocationStoreContract()) {
    test(c.name, () => c.run({ store: new RedisRevocationStore(redis), ...onRedis(redis) }));
  }
});

describe("RedisSessionStore in Redis", { skip: needsRedis }, () => {
  let redis: RedisConnection;
  before(async () => {
    redis = await connect();
  });
  after(() => redis.close());

  test("a session is one hash under the prefix, one field of JSON per key, with a TTL", async () => {
    const store = new RedisSessionStore(redis);
    const id = store.newId();
    await store.save(id, { hero_id: 1, name: "Volt" }, { ttl: 600, changed: ["hero_id", "name"], deleted: [], minted: true });
    const key = store.keyOf(id);
    assert.equal(key, `${redis.prefix}sess:${id}`);
    const row = await redis.client.hGetAll(key);
    assert.ok(Math.abs(Number(row["\0"]) - Date.now()) < 5000, "the marker field holds the creation time, in ms");
    assert.deepEqual({ ...row, "\0": "created" }, { "\0": "created", hero_id: "1", name: '"Volt"' });
    const ttl = await redis.client.pTTL(key);
    assert.ok(ttl > 590_000 && ttl <= 600_000, `TTL ${ttl} ms`);
    await store.save(id, { name: "Volta" }, { ttl: 300, changed: ["name"], deleted: ["hero_id"], minted: false });
    assert.deepEqual({ ...(await redis.client.hGetAll(key)), "\0": "created" }, { "\0": "created", name: '"Volta"' });
    assert.ok((await redis.client.pTTL(key)) <= 300_000, "every save sets the TTL");
  });

  test("touch refreshes the TTL without rewriting a field", async () => {
    const store = new RedisSessionStore(redis);
    const id = store.newId();
    await store.save(id, { a: 1 }, { ttl: 10, changed: ["a"], deleted: [], minted: true });
    await redis.client.hSet(store.keyOf(id), "a", "2");
    await store.touch(id, 600);
    assert.equal(await redis.client.hGet(store.keyOf(id), "a"), "2", "the row was not rewritten");
    assert.ok((await redis.client.pTTL(store.keyOf(id))) > 590_000);
  });

  test("stores with different prefixes or namespaces do not see each other's sessions", async () => {
    const other = await connect();
    try {
      const a = new RedisSessionStore(redis);
      const id = a.newId();
      await a.save(id, { a: 1 }, { ttl: 60, changed: ["a"], deleted: [], minted: true });
      assert.equal(await new RedisSessionStore(other).load(id), null);
      assert.equal(await new RedisSessionStore(redis, { namespace: "other" }).load(id), null);
    } finally {
      await other.close();
    }
  });

  test("a row that holds something this store did not write is handed back as not a plain object", async () => {
    const store = new RedisSessionStore(redis);
    const id = store.newId();
    await redis.client.hSet(store.keyOf(id), { "\0": "1", a: "{not json" });
    assert.ok(Array.isArray(await store.load(id)), "the engine then deletes the row and logs it");
  });

  test("a user's index is a sorted set scored by expiry, whose own TTL covers its longest session", async () => {
    const store = new RedisSessionStore(redis);
    const [a, b] = [store.newId(), store.newId()];
    await store.save(a, { user_id: 7 }, { ttl: 60, changed: ["user_id"], deleted: [], minted: true, userId: "7" });
    await store.save(b, { user_id: 7 }, { ttl: 600, changed: ["user_id"], deleted: [], minted: true, userId: "7" });
    const index = store.userIndexKeyOf("7");
    assert.equal(index, `${redis.prefix}sess:user:7`);
    const members = await redis.client.zRangeWithScores(index, 0, -1);
    assert.deepEqual(
      members.map((m) => m.value),
      [a, b],
    );
    assert.equal(members[1]?.score, Number(await redis.client.sendCommand(["PEXPIRETIME", store.keyOf(b)])), "scored by expiry");
    const ttl = await redis.client.pTTL(index);
    assert.ok(ttl > 590_000 && ttl <= 600_000, `the index lives as long as its longest session (${ttl} ms)`);
    assert.deepEqual(await redis.client.hGetAll(store.keyOf(a)).then((row) => row["\0u"]), "7");
    await store.delete(b);
    assert.deepEqual(await redis.client.zRange(index, 0, -1), [a], "logout takes the session out in the same script");
  });

  test("a session Redis dropped on its own (eviction) is taken out of the index when listed", async () => {
    const store = new RedisSessionStore(redis);
    const id = store.newId();
    await store.save(id, { user_id: 8 }, { ttl: 600, changed: ["user_id"], deleted: [], minted: true, userId: "8" });
    await redis.client.del(store.keyOf(id));
    assert.deepEqual(await store.listByUser("8"), []);
    assert.equal(await redis.client.exists(store.userIndexKeyOf("8")), 0, "the emptied index is gone");
  });

  test("deletions and revocations made through one connection reach the listeners of another", async () => {
    // A second connection with the same prefix stands for another process.
    const other = new RedisConnection({ url: REDIS_URL, prefix: redis.prefix, logger: false });
    try {
      const [sessions, revocations] = [new RedisSessionStore(redis), new RedisRevocationStore(redis)];
      const deleted: SessionStoreEvent[] = [];
      const revoked: RevocationEvent[] = [];
      const stops = [
        new RedisSessionStore(other).subscribe((event) => deleted.push(event)),
        new RedisRevocationStore(other).subscribe((event) => revoked.push(event)),
      ];
      await other.subscriptionsReady();
      const id = sessions.newId();
      await sessions.save(id, {}, { ttl: 60, changed: [], deleted: [], minted: true });
      await sessions.delete(id);
      await revocations.revokeUser("ada", { cutoff: 1_800_000_000 });
      await waitFor(() => deleted.length > 0 && revoked.length > 0, "both events crossed", 2000);
      assert.deepEqual(deleted, [{ type: "deleted", id }]);
      assert.deepEqual(revoked, [{ type: "user", userId: "ada", cutoff: 1_800_000_000 }]);
      for (const stop of stops) stop();
    } finally {
      await other.close();
    }
  });
});

describe("RedisSessionStore on a Redis of its own", { skip: needsRedisServer, timeout: 30_000 }, () => {
  let server: PrivateRedis;
  before(async () => {
    server = await PrivateRedis.start();
  });
  after(() => server?.dispose());

  test("the scripts are re-sent after SCRIPT FLUSH (as after a Redis restart)", async () => {
    const redis = new RedisConnection({ url: server.url, prefix: uniquePrefix(), logger: false });
    try {
      assert.equal(await redis.ready(5000), true);
      const store = new RedisSessionStore(redis);
      const id = store.newId();
      await redis.client.scriptFlush();
      await store.save(id, { a: 1 }, { ttl: 60, changed: ["a"], deleted: [], minted: true });
      await redis.client.scriptFlush();
      assert.deepEqual({ ...(await store.load(id)) }, { a: 1 });
    } finally {
      await redis.close();
    }
  });
});

describe("RedisConnection options", () => {
  test("a URL that is not redis:// or rediss:// fails at construction", () => {
    assert.throws(() => new RedisConnection({ url: "http://127.0.0.1:6379", logger: false }), /redis:\/\/ or rediss:\/\//);
    assert.throws(() => new RedisConnection({ url: "not a url", logger: false }), /not a URL/);
    assert.throws(() => new RedisConnection({ url: "redis://127.0.0.1:1", commandTimeout: 0, logger: false }), /commandTimeout/);
  });
});
