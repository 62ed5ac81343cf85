/**
 * RedisBroadcastAdapter: two apps (standing for two processes) on one Redis share their
 * BroadcastGroups: each message reaches every member once, in the order its sender sent
 * it, and SSE feeds too. While Redis is away each app delivers locally, with one warning.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  BroadcastGroup,
  inject,
  injectable,
  type LaurenApplication,
  LaurenFactory,
  type Logger,
  module,
  onConnect,
  type WsCtx,
  wsController,
} from "lauren";
import { WsTestClient } from "lauren/testing";
import { RedisBroadcastAdapter, RedisConnection } from "../src/index.js";
import { connect, needsRedis, needsRedisServer, PrivateRedis, recordingLogger, uniquePrefix, waitFor } from "./redis.js";

@injectable()
class CommsRoom extends BroadcastGroup {}

@wsController("/comms")
class CommsGateway {
  private readonly room = inject(CommsRoom);

  @onConnect
  async join({ ws }: WsCtx) {
    await this.room.subscribe("hq", ws);
    ws.sendJson({ joined: true });
  }
}

@module({ controllers: [CommsGateway], providers: [CommsRoom] })
class CommsModule {}

interface Node {
  app: LaurenApplication;
  redis: RedisConnection;
  adapter: RedisBroadcastAdapter;
  ws: WsTestClient;
}

async function node(url: string, prefix: string, logger: Logger | false = false): Promise<Node> {
  const redis = new RedisConnection({ url, prefix, logger, commandTimeout: 300, maxReconnectDelay: 200 });
  await redis.ready(5000);
  const adapter = new RedisBroadcastAdapter(redis);
  const app = LaurenFactory.create(CommsModule, { logger: false, broadcast: adapter });
  await adapter.ready();
  return { app, redis, adapter, ws: new WsTestClient(app) };
}

async function stop(n: Node): Promise<void> {
  await n.ws.close();
  await n.app.shutdown();
  await n.adapter.close();
  await n.redis.close();
}

describe("RedisBroadcastAdapter", { skip: needsRedis, timeout: 60_000 }, () => {
  let one: Node;
  let two: Node;
  before(async () => {
    const shared = await connect();
    one = await node("redis://127.0.0.1:6379", shared.prefix);
    two = await node("redis://127.0.0.1:6379", shared.prefix);
    await shared.close();
  });
  after(async () => {
    await stop(one);
    await stop(two);
  });

  test("a message sent in one process reaches the sockets of both, once each, in the order sent", async () => {
    const a = await one.ws.connect("/comms");
    const b = await two.ws.connect("/comms");
    await a.receiveJson();
    await b.receiveJson();
    for (let i = 1; i <= 20; i++) await one.app.get(CommsRoom).broadcast("hq", { chat: i });
    for (let i = 1; i <= 20; i++) assert.deepEqual(await b.receiveJson(), { chat: i });
    for (let i = 1; i <= 20; i++) assert.deepEqual(await a.receiveJson(), { chat: i });
    await two.app.get(CommsRoom).broadcast("hq", "from two");
    assert.equal(await b.receive(), "from two");
    assert.equal(await a.receive(), "from two", "nothing was delivered twice in between");
    await one.app.get(CommsRoom).broadcast("hq", "last");
    assert.equal(await a.receive(), "last");
    assert.equal(await b.receive(), "last");
  });

  test("rooms stay apart, and a feed in one process hears the other's messages", async () => {
    const feed = two.app.get(CommsRoom).listen("ops");
    await one.app.get(CommsRoom).broadcast("elsewhere", "not for ops");
    await one.app.get(CommsRoom).broadcast("ops", { alert: "red" });
    assert.deepEqual(await feed.next(), { done: false, value: '{"alert":"red"}' });
    await feed.return?.();
  });

  test("apps with different prefixes do not hear each other", async () => {
    const other = await node("redis://127.0.0.1:6379", uniquePrefix());
    try {
      const feed = other.app.get(CommsRoom).listen("hq");
      await one.app.get(CommsRoom).broadcast("hq", "private");
      await other.app.get(CommsRoom).broadcast("hq", "own");
      assert.deepEqual(await feed.next(), { done: false, value: "own" });
      await feed.return?.();
    } finally {
      await stop(other);
    }
  });
});

describe("RedisBroadcastAdapter while Redis is away", { skip: needsRedisServer, timeout: 60_000 }, () => {
  let server: PrivateRedis;
  before(async () => {
    server = await PrivateRedis.start();
  });
  after(() => server.dispose());

  test("members of the sending process still get messages, one warning is logged, and relaying resumes with Redis", async () => {
    const logger = recordingLogger();
    const prefix = uniquePrefix();
    const one = await node(server.url, prefix, logger);
    const two = await node(server.url, prefix);
    try {
      const local = one.app.get(CommsRoom).listen("hq");
      const remote = two.app.get(CommsRoom).listen("hq");
      await server.stop();
      await waitFor(() => one.redis.down, "the sender noticed");
      for (const text of ["lost 1", "lost 2"]) await one.app.get(CommsRoom).broadcast("hq", text);
      assert.deepEqual(await local.next(), { done: false, value: "lost 1" });
      assert.deepEqual(await local.next(), { done: false, value: "lost 2" });
      await waitFor(() => logger.entries.some((e) => /this process's members only/.test(e.message)), "the warning");
      assert.equal(logger.entries.filter((e) => /this process's members only/.test(e.message)).length, 1, "once per outage");

      await server.start();
      await waitFor(() => !one.redis.down && !two.redis.down, "both reconnected");
      // The subscriber re-subscribes on its own; keep sending until the other process hears it.
      let heard: IteratorResult<string> | null = null;
      const next = remote.next();
      await waitFor(async () => {
        await one.app.get(CommsRoom).broadcast("hq", "back");
        heard = await Promise.race([next, new Promise<null>((r) => setTimeout(() => r(null), 100))]);
        return heard !== null;
      }, "a message crosses again");
      assert.deepEqual(heard, { done: false, value: "back" }, "messages sent during the outage were not queued for later");
      await waitFor(() => logger.entries.some((e) => /reach the other processes again/.test(e.message)), "the recovery note");
      await local.return?.();
      await remote.return?.();
    } finally {
      await stop(one);
      await stop(two);
    }
  });
});
