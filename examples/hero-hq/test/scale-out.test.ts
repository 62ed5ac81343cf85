/**
 * Scale-out end to end: two Hero HQ processes on different ports share one Redis (a private
 * redis-server of this test). Sessions, logouts, comms chats and the comms feed cross from
 * one to the other, and a socket or feed opened with a session on one closes when that
 * session is logged out on the other; with Redis stopped, session routes answer 503 and the
 * rest serve; with Redis back, sessions work again without restarting either process. Then
 * HERO_HQ_WORKERS. Every child process and the redis-server are killed however the test ends.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { RedisConnection } from "@lauren/redis";
import { needsRedisServer, PrivateRedis, waitFor } from "@lauren/redis/testing";
import WebSocket from "ws";
import { openSse } from "./sse-client.js";

const MAIN = fileURLToPath(new URL("../src/main.js", import.meta.url));

interface Hq {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts Hero HQ's entry point on a free port; resolves once `listens` workers listen. */
function start(env: Record<string, string>, listens = 1): Promise<Hq> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", HERO_HQ_SEED: "1", NODE_ENV: "development", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // However this test process ends, the server (and with it its workers) goes too.
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  child.once("exit", () => process.removeListener("exit", kill));
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`Hero HQ did not start:\n${out}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const urls = [...out.matchAll(/listening on (http:\/\/\S+)/g)].map((m) => m[1] as string);
      if (urls.length >= listens) {
        clearTimeout(timer);
        resolve({ child, url: urls[0] as string, output: () => out });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`Hero HQ exited with ${code}:\n${out}`)));
  });
}

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function stop(hq: Hq): Promise<number | null> {
  if (hq.child.exitCode !== null) return hq.child.exitCode;
  const exited = new Promise<number | null>((resolve) => hq.child.once("exit", resolve));
  hq.child.kill("SIGTERM");
  return exited;
}

async function login(hq: Hq): Promise<string> {
  const res = await fetch(`${hq.url}/me/login`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"hero_id":1}' });
  assert.equal(res.status, 200);
  const cookie = /lauren_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
  assert.ok(cookie !== undefined, "login sets the session cookie");
  return cookie;
}

const me = (hq: Hq, cookie: string) => fetch(`${hq.url}/me/`, { headers: { cookie: `lauren_session=${cookie}` } });

function openComms(hq: Hq, cookie?: string): Promise<{ socket: WebSocket; next: () => Promise<unknown> }> {
  const headers = cookie === undefined ? {} : { cookie: `lauren_session=${cookie}` };
  const socket = new WebSocket(`${hq.url.replace("http", "ws")}/comms`, { headers });
  const inbox: unknown[] = [];
  const waiting: Array<(value: unknown) => void> = [];
  socket.on("message", (data) => {
    const value = JSON.parse(String(data));
    const resolve = waiting.shift();
    if (resolve) resolve(value);
    else inbox.push(value);
  });
  const next = () => (inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((resolve) => waiting.push(resolve)));
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve({ socket, next }));
    socket.once("error", reject);
  });
}

describe("Hero HQ on two processes sharing Redis", { skip: needsRedisServer, timeout: 120_000 }, () => {
  let redis: PrivateRedis;
  let one: Hq;
  let two: Hq;
  before(async () => {
    redis = await PrivateRedis.start();
    one = await start({ REDIS_URL: redis.url });
    two = await start({ REDIS_URL: redis.url });
    assert.notEqual(one.url, two.url, "two processes, two ports");
  });
  after(async () => {
    try {
      const codes = [];
      for (const hq of [one, two]) if (hq) codes.push(await stop(hq));
      assert.deepEqual(codes, [0, 0], "each process shuts down cleanly");
    } finally {
      await redis?.dispose();
    }
  });

  test("log in on one, identified on the other; log out on the other, anonymous on the first", async () => {
    const cookie = await login(one);
    assert.deepEqual(await (await me(two, cookie)).json(), { identified: true, hero_id: 1, name: "Volt" });
    const out = await fetch(`${two.url}/me/logout`, { method: "POST", headers: { cookie: `lauren_session=${cookie}` } });
    assert.equal(out.status, 200);
    assert.deepEqual(await (await me(one, cookie)).json(), { identified: false });
  });

  test("a comms message sent on one process reaches a socket on the other", async () => {
    const volt = await openComms(one);
    const nova = await openComms(two);
    try {
      // The subscription to Redis is made at start-up; retry until the first message crosses.
      let heard: unknown = null;
      const first = nova.next();
      await waitFor(async () => {
        volt.socket.send(JSON.stringify({ event: "chat", text: "assemble!" }));
        heard = await Promise.race([first, new Promise((r) => setTimeout(() => r(null), 200))]);
        return heard !== null;
      }, "a chat crosses between the processes");
      assert.deepEqual(heard, { chat: "assemble!" });
      assert.deepEqual(await volt.next(), { chat: "assemble!" }, "the sender's own socket hears it too");
    } finally {
      volt.socket.close();
      nova.socket.close();
    }
  });

  test("a chat sent on one process reaches a listener of GET /missions/comms on the other", async () => {
    const feed = await openSse(`${two.url}/missions/comms`);
    const volt = await openComms(one);
    try {
      // As above: retry until the first chat crosses, then every one arrives, in order.
      await waitFor(async () => {
        volt.socket.send(JSON.stringify({ event: "chat", text: "anyone listening?" }));
        return (await feed.next(200).catch(() => null)) !== null;
      }, "a chat reaches the feed on the other process");
      for (const text of ["one", "two", "three"]) volt.socket.send(JSON.stringify({ event: "chat", text }));
      let heard = await feed.next();
      while (heard === '{"chat":"anyone listening?"}') heard = await feed.next();
      assert.deepEqual([heard, await feed.next(), await feed.next()], ['{"chat":"one"}', '{"chat":"two"}', '{"chat":"three"}']);
    } finally {
      volt.socket.close();
      feed.close();
    }
  });

  test("a comms socket and feed opened with a session on one process close within a second of its logout on the other", async () => {
    const cookie = await login(one);
    const volt = await openComms(one, cookie);
    const feed = await openSse(`${one.url}/missions/comms`, `lauren_session=${cookie}`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      volt.socket.once("close", (code, reason) => resolve({ code, reason: String(reason) })),
    );
    const client = new RedisConnection({ url: redis.url, logger: false });
    try {
      // The first connection opened with a session subscribes its process to session deletions.
      await waitFor(async () => {
        const [, count] = (await client.command(["PUBSUB", "NUMSUB", "herohq:sess:deleted"])) as [string, number];
        return count > 0;
      }, "the first process listens for session deletions");
      const out = await fetch(`${two.url}/me/logout`, { method: "POST", headers: { cookie: `lauren_session=${cookie}` } });
      assert.equal(out.status, 200);
      const [socketClosed] = await within(Promise.all([closed, feed.ended]), 1000, "the socket and the feed closed");
      assert.deepEqual(socketClosed, { code: 4401, reason: "session ended: ended" });
    } finally {
      volt.socket.close();
      feed.close();
      await client.close();
    }
  });

  test("Redis stopped: /me/ with a cookie is 503, /heroes/ is 200; Redis back: identified again within 5 s", async () => {
    const cookie = await login(one);
    await redis.stop();
    const down = await me(one, cookie);
    assert.equal(down.status, 503);
    assert.equal(((await down.json()) as { error: { code: string } }).error.code, "session_store_unavailable");
    assert.equal(down.headers.get("set-cookie"), null);
    assert.equal((await fetch(`${two.url}/heroes/`)).status, 200);

    await redis.start();
    const restarted = Date.now();
    const both = async () => (await me(one, cookie)).status === 200 && (await me(two, cookie)).status === 200;
    await waitFor(both, "GET /me/ answers again on both processes", 5000);
    assert.ok(Date.now() - restarted <= 5000);
    assert.deepEqual(await (await me(one, cookie)).json(), { identified: true, hero_id: 1, name: "Volt" });
    assert.deepEqual(await (await me(two, cookie)).json(), { identified: true, hero_id: 1, name: "Volt" });
  });
});

test("HERO_HQ_WORKERS=2 serves from two workers on one port and SIGTERM stops every one gracefully", { timeout: 60_000 }, async () => {
  const hq = await start({ HERO_HQ_WORKERS: "2" }, 2);
  try {
    const ports = [...hq.output().matchAll(/listening on http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]);
    assert.equal(ports.length, 2);
    assert.equal(ports[0], ports[1], "both workers listen on the same port");
    assert.equal((await fetch(`${hq.url}/heroes/1`)).status, 200);
  } finally {
    assert.equal(await stop(hq), 0);
  }
  assert.equal(hq.output().match(/shutdown complete/g)?.length, 2, "every worker drained and stopped");
});
