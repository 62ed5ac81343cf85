// The soak test's server: Hero HQ in its own process, reporting its own resource use over IPC.
// Run by scripts/soak.mjs (node --expose-gc, so each report follows a full collection).
import { readdirSync } from "node:fs";
import { buildApp } from "../examples/hero-hq/dist/src/main.js";

const app = buildApp({ logger: false });
const { url } = await app.listen({ port: 0, host: "127.0.0.1" });

function stats() {
  globalThis.gc?.();
  const memory = process.memoryUsage();
  let fds = null;
  try {
    fds = readdirSync("/proc/self/fd").length;
  } catch {
    // not Linux: leave it out
  }
  const handles = process.getActiveResourcesInfo();
  const byType = {};
  for (const type of handles) byType[type] = (byType[type] ?? 0) + 1;
  return { rss: memory.rss, heapUsed: memory.heapUsed, handles: handles.length, byType, fds };
}

process.on("message", async (message) => {
  if (message === "stats") process.send({ stats: stats() });
  if (message === "stop") {
    await app.shutdown();
    process.exit(0);
  }
});
process.send({ url });
