// The peers' Redis store: connect-redis on the official client, used by express-session and
// @fastify/session when the harness sets BENCH_REDIS_URL (the "-redis" servers), else undefined.
import { RedisStore } from "connect-redis";
import { createClient } from "redis";

/** @returns {Promise<import("connect-redis").RedisStore | undefined>} */
export async function redisStore() {
  const url = process.env.BENCH_REDIS_URL;
  if (url === undefined) return undefined;
  const client = createClient({ url });
  client.on("error", (err) => console.error("redis:", err.message));
  await client.connect();
  return new RedisStore({ client, prefix: process.env.BENCH_REDIS_PREFIX ?? "sess:" });
}
