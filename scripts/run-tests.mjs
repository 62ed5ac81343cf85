#!/usr/bin/env node
// Runs every compiled test file (`*.test.js` under each workspace's dist/test) with node's
// test runner. Listing files explicitly keeps helpers and fixtures from being run as tests.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const roots = ["packages/lauren/dist/test", "packages/lauren-redis/dist/test", "examples/hero-hq/dist/test"];
const filter = process.argv.slice(2);

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

const files = roots.flatMap((root) => collect(root, []));
if (files.length === 0) {
  console.error("no test files found: run `npm run build` first");
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
