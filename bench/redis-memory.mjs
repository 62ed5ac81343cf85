// Bytes per session in Redis (MEMORY USAGE of one logged-in session's key) for every "-redis"
// server, all on the bench's own redis-server. Part of `npm run bench`; on its own (after
// `npm run build`, with redis-server on the PATH): `node bench/redis-memory.mjs`.
import { pathToFileURL } from "node:url";
import { createClient } from "redis";
import { login, recruitVolt } from "./scenarios.mjs";
import { benchRedis, killAll, SERVERS, startServer } from "./servers.mjs";

/** The Redis key of the session a login cookie names, per server (each has its own key prefix). */
const KEY_OF = {
  // Lauren: "<id>.<hex HMAC>"; RedisSessionStore keys read <prefix>sess:<id>.
  "lauren-redis": (/** @type {string} */ value) => `lauren-redis:sess:${value.slice(0, value.lastIndexOf("."))}`,
  // express-session: "s:<sid>.<signature>", URL-encoded.
  "express-redis": (/** @type {string} */ value) => `express-redis:${decodeURIComponent(value).slice(2).split(".")[0]}`,
  // @fastify/session: "<sid>.<signature>".
  "fastify-redis": (/** @type {string} */ value) => `fastify-redis:${value.split(".")[0]}`,
};

/**
 * Logs in once on a fresh process of each server and reads the session key's MEMORY USAGE.
 * @param {import("./servers.mjs").ServerDef[]} defs the "-redis" servers
 */
export async function redisBytes(defs) {
  const client = createClient({ url: await benchRedis() });
  await client.connect();
  const rows = [];
  try {
    for (const def of defs) {
      try {
        const server = await startServer(def);
        try {
          await recruitVolt(server.url);
          const cookie = await login(server.url);
          const value = /lauren_session=([^;]+)/.exec(cookie)?.[1] ?? "";
          const key = KEY_OF[/** @type {keyof typeof KEY_OF} */ (def.name)](value);
          const bytes = await client.memoryUsage(key);
          if (bytes === null) throw new Error(`no key ${key}`);
          rows.push({ server: def.name, key: key.replace(/:[^:]+$/, ":<id>"), bytes, perGiB: Math.floor(2 ** 30 / bytes) });
        } finally {
          await server.stop();
        }
      } catch (err) {
        rows.push({ server: def.name, problem: err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    await client.close();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const rows = await redisBytes(SERVERS.filter((s) => s.redis));
    console.log("| server | key | bytes per session (MEMORY USAGE) | sessions per GiB |");
    console.log("| --- | --- | ---: | ---: |");
    for (const r of rows) {
      console.log(
        r.problem ? `| ${r.server} | ${r.problem} | | |` : `| ${r.server} | \`${r.key}\` | ${r.bytes} | ${r.perGiB.toLocaleString("en")} |`,
      );
    }
  } finally {
    killAll();
  }
}
