#!/usr/bin/env node
// Runs every compiled test file (`*.test.js` under each workspace's dist/test) with node's
// test runner. Listing files explicitly keeps helpers and fixtures from being run as tests.
//
// Files run side by side (each in its own process, as always): most of them wait on sockets,
// child processes and timers rather than the CPU, so even two cores keep several busy. A test
// file must therefore not share mutable state with another one: port 0 instead of a fixed
// port, mkdtemp instead of a fixed path, a unique Redis key prefix, a private redis-server
// for tests that stop it. LAUREN_TEST_CONCURRENCY=1 runs the files one at a time.
//
// The slowest files start first, so that none of them starts last and holds up the end of
// the run: each run records how long every file's tests took (a reporter writing to
// node_modules/.cache/lauren-tests/durations.json), and the next run sorts by it. Files it
// does not know yet (new ones) go first.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const roots = ["packages/lauren/dist/test", "packages/lauren-redis/dist/test", "examples/hero-hq/dist/test"];
const filter = process.argv.slice(2);
const durationsFile = join(root, "node_modules/.cache/lauren-tests/durations.json");

function collect(dir, out) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith(".test.js") && (filter.length === 0 || filter.some((f) => path.includes(f)))) out.push(path);
  }
  return out;
}

function previousDurations() {
  try {
    return JSON.parse(readFileSync(durationsFile, "utf8"));
  } catch {
    return {};
  }
}

function concurrency() {
  const set = process.env.LAUREN_TEST_CONCURRENCY;
  if (set === undefined || set === "") return Math.max(4, availableParallelism() * 3);
  const n = Number(set);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`LAUREN_TEST_CONCURRENCY must be a whole number of at least 1, not ${JSON.stringify(set)}`);
    process.exit(2);
  }
  return n;
}

const files = roots.flatMap((dir) => collect(join(root, dir), []));
if (files.length === 0) {
  console.error("no test files found: run `npm run build` first");
  process.exit(1);
}
const known = previousDurations();
const expected = (file) => known[file.slice(root.length + 1)] ?? Number.POSITIVE_INFINITY;
files.sort((a, b) => expected(b) - expected(a));

const args = [
  "--test",
  `--test-concurrency=${concurrency()}`,
  "--test-reporter=spec",
  "--test-reporter-destination=stdout",
  `--test-reporter=${join(root, "scripts/test-durations.mjs")}`,
  "--test-reporter-destination=stdout",
  ...files,
];
const result = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(result.status ?? 1);
