#!/usr/bin/env node
// `npm run dev`: Hero HQ in watch mode. tsc -b --watch recompiles the framework and the app on
// every save, and `node --watch` restarts the server whenever a module it loaded changes
// (the framework's compiled files included). PORT, HOST and HERO_HQ_* apply as for npm start.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
console.log("dev: compiling with tsc -b --watch; Hero HQ starts after the first build and restarts on every change");
const compiler = spawn(process.execPath, [tsc, "-b", "--watch", "--preserveWatchOutput", "packages/lauren", "examples/hero-hq"], {
  stdio: ["ignore", "pipe", "inherit"],
});
let server = null;

compiler.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (server === null && /Watching for file changes/.test(chunk.toString())) {
    server = spawn(process.execPath, ["--watch", "examples/hero-hq/dist/src/main.js"], { stdio: "inherit" });
    server.on("exit", (code) => stop(code ?? 0));
  }
});
compiler.on("exit", (code) => stop(code ?? 1));

function stop(code) {
  compiler.kill();
  server?.kill();
  process.exit(code);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
