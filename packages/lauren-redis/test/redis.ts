/**
 * Test fixtures: the machine's Redis at 127.0.0.1:6379 (tests skip with a hint without one,
 * unless CI is set, where they fail), a unique key prefix per run so parallel runs never
 * collide, and private redis-server processes for the tests that stop and restart Redis.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Logger } from "lauren";
import { RedisConnection, type RedisConnectionOptions } from "../src/index.js";

export const REDIS_URL = "redis://127.0.0.1:6379";

/** PING over a raw socket, so checking costs no client and no reconnect loop. */
export function ping(port: number, timeout = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeout, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

const reachable = await ping(6379);
const hasServer = spawnSync("redis-server", ["--version"]).status === 0;

/** For `describe(name, { skip: needsRedis }, …)`: false when Redis answers or under CI (which then fails). */
export const needsRedis: false | string =
  reachable || process.env.CI ? false : "no Redis at 127.0.0.1:6379: start one (redis-server) to run the @lauren/redis tests";

/** Same for tests that start their own redis-server. */
export const needsRedisServer: false | string =
  hasServer || process.env.CI ? false : "redis-server not installed: apt-get install redis-server to run the Redis failure tests";

/** A key prefix no other test or run uses. */
export function uniquePrefix(): string {
  return `lauren-test:${process.pid}:${randomBytes(4).toString("hex")}:`;
}

export interface LogEntry {
  level: "info" | "warn" | "error";
  message: string;
}

export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    info: (message) => void entries.push({ level: "info", message }),
    warn: (message) => void entries.push({ level: "warn", message }),
    error: (message) => void entries.push({ level: "error", message }),
  };
}

/** A connection to the machine's Redis with a fresh prefix; `close()` also deletes the run's keys. */
export async function connect(options: RedisConnectionOptions = {}): Promise<RedisConnection> {
  const redis = new RedisConnection({ url: REDIS_URL, prefix: uniquePrefix(), logger: false, ...options });
  if (!(await redis.ready(5000))) throw new Error(`Redis at ${options.url ?? REDIS_URL} did not answer`);
  const close = redis.close.bind(redis);
  redis.close = async () => {
    if (redis.client.isReady) await dropKeys(redis);
    await close();
  };
  return redis;
}

/** Deletes every key under the connection's prefix. */
export async function dropKeys(redis: RedisConnection): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = (await redis.client.sendCommand(["SCAN", cursor, "MATCH", `${redis.prefix}*`, "COUNT", "1000"])) as [
      string,
      string[],
    ];
    cursor = next;
    if (keys.length > 0) await redis.client.sendCommand(["DEL", ...keys]);
  } while (cursor !== "0");
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A redis-server of this test's own, on a free port, without persistence; `stop`/`start` only touch it. */
export class PrivateRedis {
  #process: ChildProcess | null = null;
  #dir: string | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.#process?.pid ?? -1;
  }

  async start(): Promise<void> {
    // Its own directory, so `stop()` can save the data set and `start()` load it again.
    this.#dir ??= mkdtempSync(path.join(tmpdir(), "lauren-redis-"));
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.#dir];
    const child = spawn("redis-server", args, { stdio: "ignore" });
    this.#process = child;
    await waitFor(() => ping(this.port, 200), `redis-server answers on port ${this.port}`);
  }

  /** Stops the server: `SHUTDOWN SAVE` keeps the data for the next `start()`, as a restarted production Redis would. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (child === null) return;
    this.#process = null;
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const socket = new Socket();
    socket.on("error", () => undefined);
    socket.connect(this.port, "127.0.0.1", () => socket.write("SHUTDOWN SAVE\r\n"));
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
    socket.destroy();
  }

  /** Stops the server and removes its directory. */
  async dispose(): Promise<void> {
    this.resume();
    await this.stop();
    if (this.#dir !== null) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = null;
  }

  /** Freezes the server (SIGSTOP) so commands hang, as on a stuck Redis; `resume()` thaws it. */
  pause(): void {
    this.#process?.kill("SIGSTOP");
  }

  resume(): void {
    this.#process?.kill("SIGCONT");
  }
}
