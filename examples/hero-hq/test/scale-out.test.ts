/**
 * Scale-out end to end (issue 14, item 8): two Hero HQ processes on different ports share
 * one Redis (a private redis-server of this test). Sessions, logouts and comms cross from
 * one to the other; with Redis stopped, session routes answer 503 and the rest serve; with
 * Redis back, sessions work again without restarting either process. Then HERO_HQ_WORKERS.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { needsRedisServer, PrivateRedis, waitFor } from "@lauren/redis/testing";
import WebSocket from "ws";

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
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Hero HQ did not start:\n${out}`)), 20_000);
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

function openComms(hq: Hq): Promise<{ socket: WebSocket; next: () => Promise<unknown> }> {
  const socket = new WebSocket(`${hq.url.replace("http", "ws")}/comms`);
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
    [one, two] = await Promise.all([start({ REDIS_URL: redis.url }), start({ REDIS_URL: redis.url })]);
    assert.notEqual(one.url, two.url, "two processes, two ports");
  });
  after(async () => {
    for (const hq of [one, two]) if (hq) assert.equal(await stop(hq), 0, "each process shuts down cleanly");
    await redis?.dispose();
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
  const ports = [...hq.output().matchAll(/listening on http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]);
  assert.equal(ports.length, 2);
  assert.equal(ports[0], ports[1], "both workers listen on the same port");
  assert.equal((await fetch(`${hq.url}/heroes/1`)).status, 200);
  assert.equal(await stop(hq), 0);
  assert.equal(hq.output().match(/shutdown complete/g)?.length, 2, "every worker drained and stopped");
});
