/**
 * What an app on Redis does when Redis goes away (SESSIONS.md §6.9): routes that use the
 * session answer 503 session_store_unavailable with Retry-After and no cookie, routes with
 * sessions off keep serving, a hung Redis is cut off by the command timeout, and everything
 * recovers without a restart. Each test runs its own redis-server and stops only that one.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Ctx, controller, get, LaurenFactory, module, post } from "lauren";
import { TestClient } from "lauren/testing";
import { RedisConnection, RedisRevocationStore, RedisSessionStore } from "../src/index.js";
import { needsRedisServer, PrivateRedis, recordingLogger, uniquePrefix, waitFor } from "./redis.js";

const SECRET = "redis-failure-tests-secret-32-bytes-long!";

@controller("/me")
class Identity {
  @get("/")
  whoami({ session }: Ctx) {
    return session.has("hero_id") ? { identified: true, hero_id: session.get("hero_id") } : { identified: false };
  }

  @post("/login")
  login({ session }: Ctx) {
    session.regenerateId();
    session.set("hero_id", 1);
    return { welcome: "Volt" };
  }
}

@controller("/health")
class Health {
  @get("/", { sessions: false })
  health() {
    return { status: "ok" };
  }
}

@module({ controllers: [Identity, Health] })
class AppModule {}

describe("Redis failures", { skip: needsRedisServer, timeout: 60_000 }, () => {
  let server: PrivateRedis;
  let redis: RedisConnection;
  const logger = recordingLogger();
  let api: TestClient;

  before(async () => {
    server = await PrivateRedis.start();
    redis = new RedisConnection({ url: server.url, prefix: uniquePrefix(), commandTimeout: 300, maxReconnectDelay: 200, logger });
    assert.equal(await redis.ready(5000), true);
    const sessions = {
      secret: SECRET,
      secure: false,
      store: new RedisSessionStore(redis),
      revocationStore: new RedisRevocationStore(redis),
    };
    api = new TestClient(LaurenFactory.create(AppModule, { logger: false, sessions }));
  });
  after(async () => {
    await redis?.close();
    await server?.dispose();
  });

  const me = (cookie: string) => api.get("/me/", { cookies: { lauren_session: cookie } });

  test("Redis down: session routes answer 503 with Retry-After and no cookie, session-less routes serve; back: it recovers", async () => {
    const cookie = (await api.post("/me/login")).cookie("lauren_session")?.value as string;
    assert.deepEqual((await me(cookie)).json(), { identified: true, hero_id: 1 });

    await server.stop();
    await waitFor(() => redis.down, "the client noticed");
    for (const res of [await me(cookie), await api.post("/me/login")]) {
      assert.equal(res.status, 503);
      assert.equal(res.json().error.code, "session_store_unavailable");
      assert.equal(res.headers["retry-after"], "5");
      assert.equal(res.headers["set-cookie"], undefined, "no cookie while the store is away");
    }
    assert.deepEqual((await api.get("/health/")).json(), { status: "ok" }, "sessions: false routes keep serving");
    assert.equal(
      logger.entries.filter((e) => e.level === "warn" && /connection for commands lost/.test(e.message)).length,
      1,
      "one warning per outage",
    );

    await server.start();
    const started = Date.now();
    await waitFor(async () => (await me(cookie)).status === 200, "the app answers again", 5000);
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(
      (await me(cookie)).json(),
      { identified: true, hero_id: 1 },
      "the session survived the restart, no app restart needed",
    );
    assert.ok(logger.entries.some((e) => e.level === "info" && /restored/.test(e.message)));
  });

  test("a hung Redis cannot hold a request past the command timeout", async () => {
    const cookie = (await api.post("/me/login")).cookie("lauren_session")?.value as string;
    server.pause();
    try {
      const started = Date.now();
      const res = await me(cookie);
      const took = Date.now() - started;
      assert.equal(res.status, 503);
      assert.equal(res.json().error.code, "session_store_unavailable");
      assert.ok(took < 5000, `answered after ${took} ms, bounded by the 300 ms command timeout`);
    } finally {
      server.resume();
    }
    await waitFor(async () => (await me(cookie)).status === 200, "the app answers again once Redis thaws", 5000);
    assert.deepEqual((await me(cookie)).json(), { identified: true, hero_id: 1 });
  });

  test("a change feed subscribed while Redis is away hears the changes made once it is back", async () => {
    const sessions = new RedisSessionStore(redis);
    const deleted: string[] = [];
    const stopFirst = sessions.subscribe((event) => deleted.push(event.id));
    await redis.subscriptionsReady();
    await server.stop();
    await waitFor(() => redis.down, "the client noticed");
    const revoked: string[] = [];
    const stopSecond = new RedisRevocationStore(redis).subscribe((event) => revoked.push(event.type === "user" ? event.userId : ""));
    await server.start();
    await waitFor(async () => !redis.down, "the client reconnected", 5000);
    await redis.subscriptionsReady();
    await new RedisRevocationStore(redis).revokeUser("ada");
    const id = sessions.newId();
    await sessions.save(id, {}, { ttl: 60, changed: [], deleted: [], minted: true });
    await sessions.delete(id);
    await waitFor(() => revoked.length > 0 && deleted.length > 0, "both feeds heard", 5000);
    assert.deepEqual(revoked, ["ada"]);
    assert.deepEqual(deleted, [id]);
    stopFirst();
    stopSecond();
  });
});
