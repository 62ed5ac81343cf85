// Peer "lauren-redis": Hero HQ with @lauren/redis's RedisSessionStore and nothing else in Redis.
// Hero HQ's own REDIS_URL switch also turns on the Redis revocation store (one more Redis read
// per session request) and the broadcast adapter; express-session and @fastify/session with
// connect-redis do neither, so for equal work this entry builds the app with the store only.
//   BENCH_REDIS_URL=redis://127.0.0.1:6379 SESSION_SECRET=... node bench/peers/lauren-redis.mjs
import { RedisConnection, RedisSessionStore } from "@lauren/redis";
import { installSignalHandlers } from "lauren";
import { readConfig } from "../../examples/hero-hq/dist/src/config.js";
import { buildApp } from "../../examples/hero-hq/dist/src/main.js";

const config = readConfig();
const redis = new RedisConnection({ url: process.env.BENCH_REDIS_URL, prefix: process.env.BENCH_REDIS_PREFIX ?? "herohq:" });
const app = buildApp({ sessions: { secret: config.SESSION_SECRET, secure: false, store: new RedisSessionStore(redis) } }, config);
app.onShutdown(() => redis.close());
installSignalHandlers(app);
await app.listen({ port: config.PORT, host: config.HOST });
