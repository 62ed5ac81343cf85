// Bytes per session in Redis (MEMORY USAGE of one logged-in session's key) for every
// "-redis" server, all on the bench's own redis-server: `node bench/redis-memory.mjs`.
// Needs `npm run build` (Hero HQ) and redis-server on the PATH.
import { createClient } from "redis";
import { login, recruitVolt } from "./scenarios.mjs";
import { benchRedis, killAll, SERVERS, startServer } from "./servers.mjs";

/** The Redis key of the session a login cookie names, per server. */
const KEY_OF = {
  // Hero HQ with revocation on: the cookie's value is a signed {i, t, x} envelope.
  "lauren-redis": (/** @type {string} */ value) =>
    `herohq:sess:${JSON.parse(Buffer.from(value.slice(0, value.lastIndexOf(".")), "base64url").toString()).i}`,
  // express-session: "s:<sid>.<signature>", URL-encoded.
  "express-redis": (/** @type {string} */ value) => `express-redis:${decodeURIComponent(value).slice(2).split(".")[0]}`,
  // @fastify/session: "<sid>.<signature>".
  "fastify-redis": (/** @type {string} */ value) => `fastify-redis:${value.split(".")[0]}`,
};

const client = createClient({ url: await benchRedis() });
await client.connect();
const rows = [];
try {
  for (const def of SERVERS.filter((s) => s.redis)) {
    const server = await startServer(def);
    try {
      await recruitVolt(server.url);
      const cookie = await login(server.url);
      const value = /lauren_session=([^;]+)/.exec(cookie)?.[1] ?? "";
      const key = KEY_OF[/** @type {keyof typeof KEY_OF} */ (def.name)](value);
      const bytes = await client.memoryUsage(key);
      if (bytes === null) throw new Error(`${def.name}: no key ${key}`);
      rows.push({ server: def.name, key: key.replace(/:[^:]+$/, ":<id>"), bytes, perGiB: Math.floor(2 ** 30 / bytes) });
    } finally {
      await server.stop();
    }
  }
} finally {
  await client.close();
  killAll();
}
console.log("| server | key | bytes per session (MEMORY USAGE) | sessions per GiB |");
console.log("| --- | --- | ---: | ---: |");
for (const r of rows) console.log(`| ${r.server} | \`${r.key}\` | ${r.bytes} | ${r.perGiB.toLocaleString("en")} |`);
