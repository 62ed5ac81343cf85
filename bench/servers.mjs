// The servers under test, and starting / stopping each one as its own process group.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const HERO_HQ = "examples/hero-hq/dist/src/main.js";
const BENCH_SECRET = "bench-only-secret-k7Qm2xVt9Lp4Rz8Wn3Yc6Hb1";

/**
 * @typedef {object} ServerDef
 * @property {string} name          id used by --peers and in the tables
 * @property {string} label         what it is, for the report
 * @property {string} entry         script path relative to the repo root, run with `node`
 * @property {string[]} [nodeArgs]  node options before the entry (`--import tsx` for TypeScript peers)
 * @property {Record<string, string>} [env]
 * @property {boolean} [stateless]  sessions live in the cookie (gets scenario e instead of d)
 * @property {boolean} [redis]      sessions live in the bench's own redis-server (all "-redis" servers share it)
 * @property {boolean} [pipeline]   CORS, security headers, request ids and a JSON request log (scenario f only)
 * @property {boolean} [logFile]    stdout goes to a file (the request log), deleted when the server stops
 * @property {boolean} [roster]     also runs (g), GET /heroes/ with 1,000 heroes
 * @property {string} [surface]     an HTTP-surface server (static file, upload: scenarios s and u), not Hero HQ
 * @property {{ looseCookie?: boolean, stateless?: boolean } | null} check options for check.mjs (null: no Hero HQ contract)
 */

/** The TypeScript HTTP-surface peer (Lauren needs its decorators compiled), run through tsx. */
const SURFACE = { entry: "bench/peers/http-surface.ts", nodeArgs: ["--import", "tsx"], check: null };

/** @type {ServerDef[]} */
export const SERVERS = [
  { name: "raw-http", label: "node:http, hand-written (upper bound)", entry: "bench/peers/raw-http.mjs", roster: true, check: {} },
  {
    name: "lauren",
    label: "Lauren, Hero HQ, in-memory session store",
    entry: HERO_HQ,
    roster: true,
    check: {},
  },
  {
    name: "lauren-cookie",
    label: "Lauren, Hero HQ, signed-cookie session store",
    entry: HERO_HQ,
    env: { HERO_HQ_SESSION_STORE: "cookie" },
    stateless: true,
    check: { stateless: true },
  },
  {
    name: "lauren-pipeline",
    label: "Lauren, Hero HQ, CORS + security headers + request ids + JSON request log to a file",
    entry: HERO_HQ,
    env: { HERO_HQ_CORS_ORIGINS: "https://hq.example", LAUREN_LOG_FORMAT: "json", HERO_HQ_SECURITY_HEADERS: "all" },
    pipeline: true,
    logFile: true,
    check: {},
  },
  {
    name: "fastify-pipeline",
    label: "fastify 5 + @fastify/cors + @fastify/helmet + request ids + pino request log to a file",
    entry: "bench/peers/fastify-session.mjs",
    env: { HQ_PIPELINE: "1", HQ_CORS_ORIGINS: "https://hq.example" },
    pipeline: true,
    logFile: true,
    check: { looseCookie: true },
  },
  {
    name: "fastify-session",
    label: "fastify 5 + @fastify/cookie + @fastify/session (memory store), response schemas",
    entry: "bench/peers/fastify-session.mjs",
    roster: true,
    check: { looseCookie: true },
  },
  {
    name: "express-session",
    label: "express 5 + express-session (MemoryStore)",
    entry: "bench/peers/express-session.mjs",
    check: { looseCookie: true },
  },
  {
    name: "lauren-redis",
    label: "Lauren, Hero HQ, @lauren/redis session store (no revocation store: the same work as connect-redis)",
    // Hero HQ with REDIS_URL would also turn on revocation (one more Redis read per request),
    // which the connect-redis peers do not do; this entry builds Hero HQ with the store only.
    entry: "bench/peers/lauren-redis.mjs",
    redis: true,
    check: {},
  },
  {
    name: "fastify-redis",
    label: "fastify 5 + @fastify/session + connect-redis (same Redis)",
    entry: "bench/peers/fastify-session.mjs",
    redis: true,
    check: { looseCookie: true },
  },
  {
    name: "express-redis",
    label: "express 5 + express-session + connect-redis (same Redis)",
    entry: "bench/peers/express-session.mjs",
    redis: true,
    check: { looseCookie: true },
  },
  { name: "lauren-surface", label: "Lauren: staticFiles mount, form route with an UploadedFile", surface: "lauren", ...SURFACE },
  { name: "fastify-surface", label: "fastify 5 + @fastify/static, @fastify/multipart", surface: "fastify", ...SURFACE },
  { name: "express-surface", label: "express 5 + express.static", surface: "express", ...SURFACE },
];

/** The static file of scenario (s): 64 KiB of random bytes. */
export const STATIC_FILE = randomBytes(64 * 1024);
/** @type {string | null} the folder the surface servers serve /static/ from */
let staticDir = null;

/** The surface servers' static folder, made on first use and removed by killAll(). */
function surfaceDir() {
  if (staticDir === null) {
    staticDir = mkdtempSync(join(tmpdir(), "lauren-bench-static-"));
    writeFileSync(join(staticDir, "blob.bin"), STATIC_FILE);
  }
  return staticDir;
}

/** @type {{ child: import("node:child_process").ChildProcess, url: string } | null} the bench's own redis-server */
let redisServer = null;

/** Starts (once) a redis-server of the bench's own on a free port, without persistence. */
export async function benchRedis() {
  if (redisServer !== null) return redisServer.url;
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    detached: true,
    stdio: "ignore",
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  redisServer = { child, url: `redis://127.0.0.1:${port}` };
  for (let i = 0; i < 100; i++) {
    if (await answers(port)) return redisServer.url;
    await sleep(50);
  }
  throw new Error("the bench's redis-server did not start (is redis-server installed?)");
}

function answers(/** @type {number} */ port) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
    socket.once("data", (d) => {
      socket.destroy();
      resolve(String(d).startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
  });
}

/** True if the server's entry script exists (Hero HQ needs `npm run build` first). */
export const isBuilt = (/** @type {ServerDef} */ def) => existsSync(join(REPO_ROOT, def.entry));

/** @type {Set<import("node:child_process").ChildProcess>} every server still alive */
const live = new Set();

/** Kills every live server group at once (synchronous: safe in 'exit' handlers). */
export function killAll() {
  for (const child of live) {
    try {
      process.kill(-(/** @type {number} */ (child.pid)), "SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
  redisServer = null;
  if (staticDir !== null) rmSync(staticDir, { recursive: true, force: true });
  staticDir = null;
}

/** Asks the kernel for a free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @typedef {{ def: ServerDef, pid: number, url: string, readyMs: number, stop: () => Promise<void> }} RunningServer
 */

/**
 * Starts a server in a new process group on a free loopback port and resolves once
 * `GET /heroes/` answers (at most `timeoutMs`), polled every `pollMs`; `readyMs` is the time from
 * spawn to that answer. Its stdout is discarded; the tail of stderr is kept for error messages.
 * @param {ServerDef} def
 * @param {{ timeoutMs?: number, pollMs?: number, env?: Record<string, string> }} [opts]
 * @returns {Promise<RunningServer>}
 */
export async function startServer(def, { timeoutMs = 20_000, pollMs = 100, env = {} } = {}) {
  const port = await freePort();
  /** @type {Record<string, string>} */
  const redisEnv = {};
  if (def.redis) {
    const url = await benchRedis();
    Object.assign(redisEnv, { BENCH_REDIS_URL: url, BENCH_REDIS_PREFIX: `${def.name}:` });
  }
  const logPath = def.logFile ? join(tmpdir(), `lauren-bench-${def.name}-${port}.log`) : null;
  const logFd = logPath === null ? null : openSync(logPath, "w");
  /** @type {Record<string, string>} */
  const surfaceEnv = def.surface ? { BENCH_SURFACE: def.surface, BENCH_STATIC_DIR: surfaceDir() } : {};
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(def.nodeArgs ?? []), def.entry], {
    cwd: REPO_ROOT,
    // NODE_ENV=production: Hero HQ then needs SESSION_SECRET; check.mjs verifies cookies with this one.
    env: {
      ...process.env,
      SESSION_SECRET: BENCH_SECRET,
      ...redisEnv,
      ...surfaceEnv,
      ...def.env,
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
    },
    detached: true, // own process group, so the whole group can be ended by its id
    stdio: ["ignore", logFd ?? "ignore", "pipe"],
  });
  if (logFd !== null) closeSync(logFd);
  live.add(child);
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  /** @type {number | null} */
  let exitCode = null;
  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      exitCode = code ?? -1;
      live.delete(child);
      resolve(signal ?? code);
    });
  });

  const stop = async () => {
    if (exitCode !== null) return;
    const signalGroup = (/** @type {NodeJS.Signals} */ sig) => {
      try {
        process.kill(-(/** @type {number} */ (child.pid)), sig);
      } catch {
        // group already gone
      }
    };
    signalGroup("SIGTERM");
    if ((await Promise.race([exited.then(() => true), sleep(3000).then(() => false)])) === false) {
      signalGroup("SIGKILL");
      await Promise.race([exited, sleep(2000)]);
    }
    signalGroup("SIGKILL"); // anything else left in the group
    live.delete(child);
    if (logPath !== null) rmSync(logPath, { force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== null) break;
    try {
      const res = await fetch(`${url}/heroes/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      const readyMs = performance.now() - spawnedAt;
      if (res.status < 500) return { def, pid: /** @type {number} */ (child.pid), url, readyMs, stop };
    } catch {
      // not listening yet
    }
    await sleep(pollMs);
  }
  await stop();
  throw new Error(
    `${def.name} did not answer GET /heroes/ within ${timeoutMs / 1000} s` +
      (exitCode !== null ? ` (it exited with ${exitCode})` : "") +
      (stderr ? `; its stderr ends with:\n${stderr}` : ""),
  );
}
