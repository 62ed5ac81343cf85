/**
 * Test fixtures: the machine's Redis at 127.0.0.1:6379 (tests skip with a hint without one,
 * unless CI is set, where they fail), a unique key prefix per run so parallel runs never
 * collide, and private redis-server processes for the tests that stop and restart Redis.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "lauren";
import { RedisConnection, type RedisConnectionOptions } from "../src/index.js";

export { freePort, needsRedis, needsRedisServer, PrivateRedis, ping, waitFor } from "../src/testing.js";

export const REDIS_URL = "redis://127.0.0.1:6379";

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
