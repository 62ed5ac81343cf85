// The HTTP-surface benchmark: a 64 KiB static file (Lauren vs @fastify/static vs
// express.static) and a 1 MiB multipart upload (Lauren vs @fastify/multipart), each server in
// its own process, one run, ratios to Fastify. Not part of `npm test`.
// Usage: npm run build && node bench/http-surface.mjs [--duration S] [--connections N]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const duration = opt("--duration", 5);
const connections = opt("--connections", 50);

const dir = mkdtempSync(join(tmpdir(), "lauren-bench-static-"));
const FILE = randomBytes(64 * 1024);
writeFileSync(join(dir, "blob.bin"), FILE);
const BOUNDARY = "lauren-bench-boundary";
const UPLOAD = Buffer.concat([
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="one.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  ),
  randomBytes(1024 * 1024),
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);

const SCENARIOS = [
  {
    id: "static",
    title: "GET /static/blob.bin (64 KiB)",
    servers: ["lauren", "fastify", "express"],
    request: { method: "GET", path: "/static/blob.bin" },
  },
  {
    id: "upload",
    title: "POST /upload (1 MiB multipart)",
    servers: ["lauren", "fastify"],
    request: { method: "POST", path: "/upload", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` }, body: UPLOAD },
  },
];

function start(name) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "peers", "http-surface.ts"), name, dir], {
      stdio: ["ignore", "pipe", "inherit"],
      cwd: here,
    });
    child.stdout.on("data", (chunk) => {
      const match = /listening (\d+)/.exec(String(chunk));
      if (match) resolve({ child, url: `http://127.0.0.1:${match[1]}` });
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

async function check(id, url, request) {
  const res = await fetch(url + request.path, { method: request.method, headers: request.headers, body: request.body });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${id}: ${url} answered ${res.status}`);
  if (id === "static" && !body.equals(FILE)) throw new Error(`${id}: wrong bytes from ${url}`);
  if (id === "upload" && JSON.parse(body.toString()).size !== 1024 * 1024) throw new Error(`${id}: wrong size from ${url}`);
}

const results = [];
try {
  for (const sc of SCENARIOS) {
    for (const name of sc.servers) {
      const { child, url } = await start(name);
      try {
        await check(sc.id, url, sc.request);
        await autocannon({ url, connections, duration: 1, requests: [sc.request] });
        const run = await autocannon({ url, connections, duration, requests: [sc.request] });
        if (run.non2xx > 0 || run.errors > 0) throw new Error(`${sc.id}/${name}: ${run.non2xx} non-2xx, ${run.errors} errors`);
        results.push({ scenario: sc.id, title: sc.title, server: name, rps: run.requests.average, p99: run.latency.p99 });
        console.error(`${sc.id} ${name}: ${Math.round(run.requests.average)} req/s, p99 ${run.latency.p99} ms`);
      } finally {
        child.kill();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log("| scenario | server | req/s | p99 ms | ratio to fastify |");
console.log("| --- | --- | ---: | ---: | ---: |");
for (const r of results) {
  const base = results.find((x) => x.scenario === r.scenario && x.server === "fastify");
  console.log(`| ${r.title} | ${r.server} | ${Math.round(r.rps)} | ${r.p99} | ${base ? (r.rps / base.rps).toFixed(2) : "-"} |`);
}
