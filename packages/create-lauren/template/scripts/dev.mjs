// `npm run dev`: tsc recompiles on every save, and node restarts the server whenever the
// compiled output changes. Plain node, no extra dependency: `node --watch` reloads on any
// change to a module the server imported.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiler = spawn(process.execPath, [tsc, "--watch", "--preserveWatchOutput"], { stdio: ["ignore", "pipe", "inherit"] });
let server = null;

compiler.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  // Start the server once the first compilation is written; node --watch takes it from there.
  if (server === null && /Watching for file changes/.test(chunk.toString())) {
    server = spawn(process.execPath, ["--watch", "dist/src/main.js"], { stdio: "inherit" });
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
