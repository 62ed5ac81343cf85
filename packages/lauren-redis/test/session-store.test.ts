/** RedisSessionStore against a real Redis: the shared store contract, then what only Redis shows. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { revocationStoreContract, sessionStoreContract } from "lauren/testing";
import { RedisConnection, RedisRevocationStore, RedisSessionStore } from "../src/index.js";
import { connect, needsRedis } from "./redis.js";

const realTime = {
  clock: () => Date.now() / 1000,
  advance: (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000)),
};

describe("RedisSessionStore: the session store contract", { skip: needsRedis }, () => {
  let redis: RedisConnection;
  before(async () => {
    redis = await connect();
  });
  after(() => redis.close());
  for (const c of sessionStoreContract()) {
    test(c.name, () => c.run({ store: new RedisSessionStore(redis), ...realTime }));
  }
});

describe("RedisRevocationStore: the revocation store contract", { skip: needsRedis }, () => {
  let redis: RedisConnection;
  before(async () => {
    redis = await connect();
  });
  after(() => redis.close());
  for (const c of revocationStoreContract()) {
    test(c.name, () => c.run({ store: new RedisRevocationStore(redis), ...realTime }));
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
    assert.deepEqual(await redis.client.hGetAll(key), { "\0": "1", hero_id: "1", name: '"Volt"' });
    const ttl = await redis.client.pTTL(key);
    assert.ok(ttl > 590_000 && ttl <= 600_000, `TTL ${ttl} ms`);
    await store.save(id, { name: "Volta" }, { ttl: 300, changed: ["name"], deleted: ["hero_id"], minted: false });
    assert.deepEqual(await redis.client.hGetAll(key), { "\0": "1", name: '"Volta"' });
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

  test("the scripts are re-sent after SCRIPT FLUSH", async () => {
    const store = new RedisSessionStore(redis);
    const id = store.newId();
    await redis.client.scriptFlush();
    await store.save(id, { a: 1 }, { ttl: 60, changed: ["a"], deleted: [], minted: true });
    await redis.client.scriptFlush();
    assert.deepEqual({ ...(await store.load(id)) }, { a: 1 });
  });
});

describe("RedisConnection options", () => {
  test("a URL that is not redis:// or rediss:// fails at construction", () => {
    assert.throws(() => new RedisConnection({ url: "http://127.0.0.1:6379", logger: false }), /redis:\/\/ or rediss:\/\//);
    assert.throws(() => new RedisConnection({ url: "not a url", logger: false }), /not a URL/);
    assert.throws(() => new RedisConnection({ url: "redis://127.0.0.1:1", commandTimeout: 0, logger: false }), /commandTimeout/);
  });
});
