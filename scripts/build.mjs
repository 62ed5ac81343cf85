#!/usr/bin/env node
// `npm start` builds first; a first build takes a while, so this says what it is doing instead
// of staying silent. tsc -b only recompiles the projects whose sources changed, and when no
// input changed since the last successful build the compiler is not even loaded.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const projects = ["packages/lauren", "examples/hero-hq"];
// Every project tsc -b would look at (hero-hq's references included), and what each is built from.
const inputs = ["packages/lauren", "packages/lauren-redis", "examples/hero-hq"];
const started = Date.now();

/** Newest modification time under `path` (files and folders, so a deleted file counts too). */
function newest(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return Number.POSITIVE_INFINITY; // a missing input: let tsc say what is wrong
  }
  let time = stats.mtimeMs;
  if (stats.isDirectory()) for (const name of readdirSync(path)) time = Math.max(time, newest(join(path, name)));
  return time;
}

/**
 * Up to date when the last successful build (MARK, written below) is newer than every input
 * and every project still has its output. A failed build leaves no mark, so its errors are
 * shown again rather than skipped.
 */
const MARK = "node_modules/.cache/lauren-build/ok";
function upToDate() {
  let built;
  try {
    built = statSync(MARK).mtimeMs;
  } catch {
    return false;
  }
  const shared = Math.max(newest("tsconfig.base.json"), newest("package-lock.json"));
  return inputs.every((dir) => {
    if (!existsSync(join(dir, "dist/.tsbuildinfo"))) return false;
    const sources = ["src", "test", "tsconfig.json", "package.json"].map((name) => newest(join(dir, name)));
    return Math.max(shared, ...sources) < built;
  });
}

// Loading the compiler alone takes about half a second: skip it when nothing changed, so
// `npm start` (and a configuration error such as PORT=abc) answers at once.
if (upToDate()) {
  console.log("build: up to date");
  process.exit(0);
}

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
console.log(
  `build: compiling ${projects.join(" and ")} with tsc -b (a first build takes up to a minute; later ones only redo what changed)`,
);

const child = spawn(process.execPath, [tsc, "-b", "--verbose", ...projects], { stdio: ["ignore", "pipe", "inherit"] });
let pending = "";
child.stdout.on("data", (chunk) => {
  pending += chunk.toString();
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) {
    const building = /Building project '(.+)\/tsconfig\.json'/.exec(line);
    if (building) console.log(`build: compiling ${building[1].replace(`${process.cwd()}/`, "")} ...`);
    // Compiler errors (file(line,col): error TS...) and anything else that is not a progress note.
    else if (
      /error TS\d+/.test(line) ||
      (line.trim() !== "" && !/^\s*(\d|\*)|Projects in this build|up to date|out of date|Updating output/.test(line))
    ) {
      console.log(line);
    }
  }
});
child.on("exit", (code) => {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code === 0) {
    mkdirSync(dirname(MARK), { recursive: true });
    writeFileSync(MARK, `${new Date(started).toISOString()}\n`);
    // Stamped with the start: a file saved while tsc ran is newer, so the next start builds again.
    utimesSync(MARK, started / 1000, started / 1000);
    console.log(`build: done in ${seconds} s`);
  } else console.error(`build: failed after ${seconds} s (exit code ${code})`);
  process.exit(code ?? 1);
});
