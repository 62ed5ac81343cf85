// Times Hero HQ's start-up phases through the public API, in this (fresh) process, and prints
// them as JSON: node's own boot, importing lauren, importing the app's module graph (zod, the
// controllers, @lauren/redis), LaurenFactory.create() (modules, DI, route compile, and unless
// turned off the OpenAPI document and the docs UI), listen() (startup hooks, the socket) and
// the first request. Run by bench/startup.mjs once per variant and repeat:
//   node bench/startup-profile.mjs [full|no-docs|no-openapi]
import { request } from "node:http";

const variant = process.argv[2] ?? "full";
const marks = { boot: performance.now() };
await import("lauren");
marks.importLauren = performance.now();
const { buildApp } = await import("../examples/hero-hq/dist/src/main.js");
const { readConfig } = await import("../examples/hero-hq/dist/src/config.js");
marks.importApp = performance.now();
const config = readConfig({ NODE_ENV: "production", SESSION_SECRET: "bench-only-secret-k7Qm2xVt9Lp4Rz8Wn3Yc6Hb1" });
/** @type {Record<string, Record<string, undefined>>} */
const OVERRIDES = { full: {}, "no-docs": { docsUrl: undefined }, "no-openapi": { docsUrl: undefined, openapiUrl: undefined } };
const app = buildApp({ logger: false, ...OVERRIDES[variant] }, config);
marks.create = performance.now();
const { port } = await app.listen({ port: 0, host: "127.0.0.1" });
marks.listen = performance.now();
await new Promise((resolve, reject) => {
  request(`http://127.0.0.1:${port}/heroes/`, (res) => {
    res.resume();
    res.once("end", resolve);
  })
    .once("error", reject)
    .end();
});
marks.firstRequest = performance.now();
await app.shutdown();
const phases = {};
let last = 0;
for (const [name, at] of Object.entries(marks)) {
  phases[name] = Math.round((at - last) * 100) / 100;
  last = at;
}
console.log(JSON.stringify({ variant, phases, total: Math.round(last * 100) / 100 }));
