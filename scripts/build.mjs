#!/usr/bin/env node
// `npm start` builds first; a first build takes a while, so this says what it is doing instead
// of staying silent. tsc -b only recompiles the projects whose sources changed.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const projects = ["packages/lauren", "examples/hero-hq"];
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const started = Date.now();
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
  if (code === 0) console.log(`build: done in ${seconds} s`);
  else console.error(`build: failed after ${seconds} s (exit code ${code})`);
  process.exit(code ?? 1);
});
