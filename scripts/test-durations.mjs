// A node:test reporter that prints nothing: it adds up how long each test file's top-level
// tests took and, when the run is over, merges that into
// node_modules/.cache/lauren-tests/durations.json, which scripts/run-tests.mjs reads to start
// the slowest files first.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const durationsFile = join(root, "node_modules/.cache/lauren-tests/durations.json");

export default async function* durations(source) {
  const seen = {};
  for await (const event of source) {
    if ((event.type !== "test:pass" && event.type !== "test:fail") || event.data.nesting !== 0) continue;
    const { file, details } = event.data;
    if (file === undefined || details?.duration_ms === undefined) continue;
    const key = relative(root, file);
    seen[key] = (seen[key] ?? 0) + details.duration_ms;
  }
  let all = {};
  try {
    all = JSON.parse(readFileSync(durationsFile, "utf8"));
  } catch {
    // first run, or the cache was cleared
  }
  for (const [file, ms] of Object.entries(seen)) all[file] = Math.round(ms);
  mkdirSync(dirname(durationsFile), { recursive: true });
  writeFileSync(`${durationsFile}.tmp`, `${JSON.stringify(all, null, 1)}\n`);
  renameSync(`${durationsFile}.tmp`, durationsFile);
  yield ""; // a reporter is a generator; this one prints nothing
}
