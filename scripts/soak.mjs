#!/usr/bin/env node
// A bounded soak test (never part of `npm test`): mixed traffic against Hero HQ on loopback for
// SOAK_SECONDS (default 300) — logins and logouts, reads, dispatches, refused and aborted
// uploads, SSE streams and WebSocket churn — then resident memory, heap, active handles and open
// file descriptors of the server, at the start and at the end, each after a full GC.
// usage: npm run soak            (SOAK_SECONDS=60 npm run soak for a shorter run)
import { fork } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 8);
const BADGE = { "x-hq-badge": "hq-badge-007" };

const server = fork(fileURLToPath(new URL("./soak-server.mjs", import.meta.url)), [], {
  execArgv: ["--expose-gc"],
  env: { ...process.env, NODE_ENV: "development", SESSION_SECRET: "soak-only-secret-Q7m2Xv9Lp4Rz8Wn3Yc6Hb1" },
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const url = await new Promise((resolve) => server.on("message", (m) => m.url && resolve(m.url)));
const ask = () =>
  new Promise((resolve) => {
    const onMessage = (m) => {
      if (m.stats) {
        server.off("message", onMessage);
        resolve(m.stats);
      }
    };
    server.on("message", onMessage);
    server.send("stats");
  });

const counts = {};
const count = (what, ok) => {
  counts[what] ??= { ok: 0, failed: 0 };
  counts[what][ok ? "ok" : "failed"]++;
};

async function call(what, path, init, expect) {
  try {
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    count(what, res.status === expect);
    return { res, text };
  } catch {
    count(what, false);
    return null;
  }
}

async function session() {
  const login = await call(
    "login",
    "/me/login",
    { method: "POST", headers: { "content-type": "application/json" }, body: '{"hero_id":1}' },
    200,
  );
  const cookie = login?.res.headers.get("set-cookie")?.split(";")[0];
  if (cookie === undefined) return;
  await call("whoami", "/me/", { headers: { cookie } }, 200);
  await call("logout", "/me/logout", { method: "POST", headers: { cookie, "content-type": "application/json" } }, 200);
}

async function reads() {
  await call("roster", "/heroes/", {}, 200);
  await call("hero", "/heroes/1", {}, 200);
  await call("bad id", "/heroes/0x1", {}, 422);
  await call("status", "/status/", {}, 200);
}

async function missions(i) {
  await call("dispatch", `/missions/dispatch?hero=h${i}`, { method: "POST" }, 202);
  if (i % 20 === 0) await call("log", "/missions/log", {}, 200);
  await call("feed (SSE)", "/missions/feed", {}, 200);
}

async function uploads() {
  const json = { "content-type": "application/json", ...BADGE };
  await call(
    "refused upload",
    "/heroes/",
    { method: "POST", headers: json, body: JSON.stringify({ name: "x".repeat(200), power: "p", wattage: 1 }) },
    422,
  );
  await call("oversized upload", "/heroes/", { method: "POST", headers: json, body: "x".repeat(1024 * 1024 + 1) }, 413);
  // A client that hangs up halfway through its body.
  await new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `POST /heroes/ HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\nx-hq-badge: hq-badge-007\r\ncontent-length: 500\r\n\r\n{"name":`,
        () => socket.destroy(),
      );
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      count("aborted upload", true);
      resolve();
    });
  });
}

function comms() {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/comms`);
    const timer = setTimeout(() => {
      ws.terminate();
      count("websocket", false);
      resolve();
    }, 5000);
    ws.on("open", () => ws.send(JSON.stringify({ event: "chat", data: { text: "status?" } })));
    ws.on("message", (data) => {
      if (String(data).includes("status?")) ws.close();
    });
    ws.on("error", () => undefined);
    ws.on("close", () => {
      clearTimeout(timer);
      count("websocket", true);
      resolve();
    });
  });
}

async function worker(id, until) {
  for (let i = id; Date.now() < until; i += WORKERS) {
    await session();
    await reads();
    await missions(i);
    if (i % 5 === 0) await uploads();
    if (i % 2 === 0) await comms();
  }
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
function row(label, s) {
  return `| ${label.padEnd(5)} | ${mb(s.rss).padStart(8)} | ${mb(s.heapUsed).padStart(8)} | ${String(s.handles).padStart(7)} | ${String(s.fds ?? "n/a").padStart(3)} |`;
}

await call(
  "recruit",
  "/heroes/",
  { method: "POST", headers: { "content-type": "application/json", ...BADGE }, body: '{"name":"Volt","power":"lightning","wattage":9001}' },
  201,
);
// A short warm-up, so the start figures include the compiled code and the session store in use.
await Promise.all(Array.from({ length: WORKERS }, (_, id) => worker(id, Date.now() + 5000)));
const start = await ask();
const began = Date.now();
console.log(`soak: ${WORKERS} clients for ${SECONDS} s against Hero HQ at ${url}`);
await Promise.all(Array.from({ length: WORKERS }, (_, id) => worker(id, began + SECONDS * 1000)));
// Let closing sockets and timers settle before the final figures.
await new Promise((resolve) => setTimeout(resolve, 2000));
const end = await ask();
const total = Object.values(counts).reduce((n, c) => n + c.ok + c.failed, 0);
const failed = Object.entries(counts).filter(([, c]) => c.failed > 0);

console.log(
  `\n${total} operations in ${((Date.now() - began) / 1000).toFixed(0)} s (${(total / ((Date.now() - began) / 1000)).toFixed(0)}/s)`,
);
for (const [what, c] of Object.entries(counts)) console.log(`  ${what.padEnd(18)} ${c.ok} ok${c.failed ? `, ${c.failed} FAILED` : ""}`);
console.log("\n|       |      RSS |     heap | handles | fds |\n| ----- | -------: | -------: | ------: | --: |");
console.log(row("start", start));
console.log(row("end", end));
console.log(`\nhandles at the end: ${JSON.stringify(end.byType)}`);
server.send("stop");
await new Promise((resolve) => server.once("exit", resolve));
process.exit(failed.length === 0 ? 0 : 1);
