// Runs the Hero HQ benchmark: every server in its own process, scenarios fired with autocannon,
// servers interleaved across rounds, medians and ratios to raw-http, written to
// docs/benchmarks.md, docs/benchmarks.svg and bench/.bench-results/latest.json.
// `npm run bench` (repo root) builds Hero HQ first; `node bench/run.mjs --help` lists options.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCheck } from "./check.mjs";
import { fire } from "./load.mjs";
import { machineInfo, machineLoad, rssKiB, startCpuMeter } from "./proc.mjs";
import { runConnections, runFanout } from "./realtime.mjs";
import { redisBytes } from "./redis-memory.mjs";
import { writeReport } from "./report.mjs";
import { LOGIN, login, recruitVolt, SCENARIOS } from "./scenarios.mjs";
import { isBuilt, killAll, REPO_ROOT, SERVERS, startServer } from "./servers.mjs";
import { runStartup } from "./startup.mjs";
import { summarize } from "./summary.mjs";

const SERVER_NAMES = SERVERS.map((s) => s.name);
const SCENARIO_IDS = SCENARIOS.map((s) => s.id);
/** The parts of a run, in order: the HTTP scenarios (and Redis bytes per session), fan-out, start-up, memory per connection. */
const PARTS = ["http", "fanout", "startup", "connections"];
const HELP = `usage: node bench/run.mjs [options]        (or: npm run bench -- [options])

  --quick            1 round, 1 s warm-up, 2 s measured, fewer cold starts and connections
                     (a few minutes; a harness self-test, not a result)
  --parts a,b        parts to run (default all): ${PARTS.join(", ")}
  --rounds N         rounds; every server runs once per round, order rotated (default 3)
  --duration S       measured seconds per scenario (default 4)
  --warmup S         warm-up seconds per scenario (default 1)
  --connections N    concurrent connections (default 50)
  --peers a,b        servers to run (default all): ${SERVER_NAMES.join(", ")}
  --scenarios a,b    scenarios to run (default all): ${SCENARIO_IDS.join(", ")}
  --memory [N]       also run exactly N logins (default 50000) on a fresh process per server
                     and report RSS growth; with --rounds 0 only this pass runs
  --no-check         skip the contract check (bench/check.mjs) before the rounds
  --help             this text`;

/** CPU used by everything else during a measured window above which a cell is marked noisy. */
const NOISY_CORES = 0.5;
const QUIET_CORES = 0.3;

function parseArgs(/** @type {string[]} */ argv) {
  const o = {
    rounds: 3,
    duration: 4,
    warmup: 1,
    connections: 50,
    peers: SERVER_NAMES,
    scenarios: SCENARIO_IDS,
    memory: 0,
    check: true,
    quick: false,
    parts: PARTS,
  };
  const number = (/** @type {string | undefined} */ v, /** @type {string} */ flag, min = 1) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number >= ${min}, got ${v}`);
    return n;
  };
  const list = (/** @type {string | undefined} */ v, /** @type {string[]} */ known, /** @type {string} */ flag) => {
    const items = (v ?? "").split(",").filter(Boolean);
    const bad = items.filter((x) => !known.includes(x));
    if (items.length === 0 || bad.length > 0) throw new Error(`${flag}: unknown ${bad.join(",") || "(empty)"}; known: ${known}`);
    return known.filter((k) => items.includes(k)); // canonical order
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") o.help = true;
    else if (a === "--quick") Object.assign(o, { rounds: 1, warmup: 1, duration: 2, quick: true });
    else if (a === "--parts") o.parts = list(argv[++i], PARTS, a);
    else if (a === "--rounds") o.rounds = number(argv[++i], a, 0);
    else if (a === "--duration") o.duration = number(argv[++i], a);
    else if (a === "--warmup") o.warmup = number(argv[++i], a, 0);
    else if (a === "--connections") o.connections = number(argv[++i], a);
    else if (a === "--peers") o.peers = list(argv[++i], SERVER_NAMES, a);
    else if (a === "--scenarios") o.scenarios = list(argv[++i], SCENARIO_IDS, a);
    else if (a === "--memory") o.memory = /^\d+$/.test(argv[i + 1] ?? "") ? number(argv[++i], a) : 50_000;
    else if (a === "--no-check") o.check = false;
    else throw new Error(`unknown option ${a} (see --help)`);
  }
  return /** @type {typeof o & { help?: boolean }} */ (o);
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (/** @type {string} */ line) => console.log(line);

/** Waits (at most ~5 s) until the rest of the machine uses less than QUIET_CORES. */
async function waitForQuiet() {
  const t0 = Date.now();
  for (let i = 0; i < 10; i++) {
    if ((await machineLoad(500)) < QUIET_CORES) break;
  }
  return Date.now() - t0;
}

/** Noisy cells get one more try each, at most this many per run. */
let retryBudget = 12;

/**
 * One measured window, with the CPU used meanwhile.
 * @param {import("./servers.mjs").RunningServer} server
 * @param {import("./load.mjs").RequestSpec} spec
 * @param {{ connections: number, duration: number }} o
 */
async function measure(server, spec, o, amount = 0) {
  const meter = startCpuMeter(server.pid);
  const load = await fire(server.url, spec, { connections: o.connections, seconds: o.duration, amount });
  const cpu = meter();
  const answered = load.ok + load.non2xx;
  // The headline: the server's CPU time per answered request, in µs.
  const cpuUs = answered > 0 ? Math.round((cpu.serverSeconds * 1e7) / answered) / 10 : null;
  return { load, cpu, cpuUs };
}

/** Requests in a fixed-count window (scenario g), and in its warm-up. */
const fixedRequests = (/** @type {{ quick: boolean }} */ o) => (o.quick ? 2000 : 6000);

/** The command line as typed, for the report. */
function commandLine(/** @type {string[]} */ args) {
  const quoted = args.map((a) => (/^[\w.,=/:-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(" ");
  if (process.env.npm_lifecycle_event === "bench") return `npm run bench${quoted ? ` -- ${quoted}` : ""}`;
  return `node bench/run.mjs${quoted ? ` ${quoted}` : ""}`;
}

/**
 * One server, one round: fresh process, recruit Volt, then every applicable scenario in order.
 * @param {import("./servers.mjs").ServerDef} def
 * @param {number} round
 * @param {ReturnType<typeof parseArgs>} o
 * @param {import("./scenarios.mjs").Scenario[]} scenarios
 */
async function runServerRound(def, round, o, scenarios) {
  /** @type {any[]} */
  const cells = [];
  const server = await startServer(def);
  try {
    if (!def.surface) await recruitVolt(server.url);
    await sleep(300);
    const rssIdle = rssKiB(server.pid);
    for (const sc of scenarios) {
      /** @type {any} */
      const cell = { round, server: def.name, scenario: sc.id, rssIdle };
      try {
        const spec = await sc.prepare(server.url);
        const quietWaitMs = await waitForQuiet();
        const amount = sc.fixedCount ? fixedRequests(o) : 0;
        if (o.warmup > 0) {
          await fire(server.url, spec, { connections: o.connections, seconds: o.warmup, amount: amount && amount / 4 });
        }
        const rssBefore = rssKiB(server.pid);
        let { load, cpu, cpuUs } = await measure(server, spec, o, amount);
        let retried = false;
        if (cpu.other > NOISY_CORES && !sc.sessionWrite && retryBudget > 0) {
          // Someone else was busy: try once more after a quiet wait and keep the quieter try.
          // (Not for session writes: a second window would add sessions and skew RSS.)
          retryBudget--;
          retried = true;
          await waitForQuiet();
          const again = await measure(server, spec, o, amount);
          if (again.cpu.other < cpu.other) ({ load, cpu, cpuUs } = again);
        }
        const rssAfter = rssKiB(server.pid);
        Object.assign(cell, load, { cpu, cpuUs, quietWaitMs, retried, noisy: cpu.other > NOISY_CORES });
        if (sc.sessionWrite) Object.assign(cell, { rssBefore, rssAfter });
        if (sc.verify) await sc.verify(server.url, spec);
        if (load.non2xx || load.errors || load.timeouts) {
          cell.problem = `${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts`;
        }
      } catch (err) {
        cell.problem = err instanceof Error ? err.message : String(err);
      }
      cells.push(cell);
      log(
        `  ${def.name.padEnd(16)} (${sc.id}) ${String(cell.cpuUs ?? "-").padStart(7)} µs CPU/req ${String(cell.rps ?? "-").padStart(7)} req/s` +
          `  p50 ${cell.p50 ?? "-"} ms  p99 ${cell.p99 ?? "-"} ms` +
          (cell.cpu ? `  cpu server ${cell.cpu.server} / gen ${cell.cpu.harness} / other ${cell.cpu.other}` : "") +
          (cell.retried ? "  (retried: noisy)" : "") +
          (cell.problem ? `  !! ${cell.problem}` : ""),
      );
    }
  } finally {
    await server.stop();
  }
  return cells;
}

/**
 * Memory pass: a fresh process, 1,000 warm-up logins, then exactly `amount` logins; RSS before,
 * right after, and after 2 s idle.
 * @param {import("./servers.mjs").ServerDef} def
 * @param {ReturnType<typeof parseArgs>} o
 */
async function runMemoryPass(def, o) {
  const server = await startServer(def);
  try {
    await recruitVolt(server.url);
    await login(server.url);
    await fire(server.url, LOGIN, { connections: o.connections, amount: 1000 });
    await sleep(1000);
    const rssBefore = rssKiB(server.pid);
    const load = await fire(server.url, LOGIN, { connections: o.connections, amount: o.memory });
    const rssAfter = rssKiB(server.pid);
    await sleep(2000);
    const rssSettled = rssKiB(server.pid);
    const { ok: logins, non2xx, errors } = load;
    log(`  ${def.name.padEnd(16)} ${logins} logins: RSS ${rssBefore} -> ${rssAfter} KiB (${rssSettled} KiB after 2 s)`);
    return { server: def.name, logins, non2xx, errors, rssBefore, rssAfter, rssSettled };
  } finally {
    await server.stop();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const o = parseArgs(args);
  if (o.help) return log(HELP);
  const defs = SERVERS.filter((s) => o.peers.includes(s.name));
  const unbuilt = defs.filter((d) => !isBuilt(d));
  if (unbuilt.length > 0) {
    throw new Error(
      `${unbuilt.map((d) => d.name).join(", ")}: ${unbuilt[0].entry} does not exist. ` +
        "Run `npm run build` first, or leave them out with --peers.",
    );
  }
  const scenarios = SCENARIOS.filter((s) => o.scenarios.includes(s.id));
  const meta = {
    date: new Date().toISOString(),
    command: commandLine(args),
    options: {
      rounds: o.rounds,
      warmup: o.warmup,
      duration: o.duration,
      connections: o.connections,
      memory: o.memory,
      quick: o.quick,
      fixedRequests: fixedRequests(o),
      parts: o.parts,
    },
    servers: defs.map(({ name, label, check }) => ({ name, label, hq: check !== null })),
    scenarios: scenarios.map(({ id, title, short, what, baselineOf, baselineServer, fixedCount }) => ({
      id,
      title,
      short,
      what,
      baselineOf,
      baselineServer,
      fixedCount,
    })),
    machine: machineInfo(join(REPO_ROOT, "bench"), [
      "autocannon",
      "fastify",
      "@fastify/session",
      "@fastify/cookie",
      "express",
      "express-session",
      "@fastify/static",
      "@fastify/multipart",
      "connect-redis",
      "ws",
      "socket.io",
      "@nestjs/core",
    ]),
    noisyCores: NOISY_CORES,
  };
  /** @type {Record<string, { passed: number, failures: string[], warnings: string[] }>} */
  const checks = {};
  const httpPart = o.parts.includes("http");
  if (o.check && httpPart) {
    log("contract check (a fresh process per server):");
    for (const def of defs.filter((d) => d.check !== null)) {
      const server = await startServer(def);
      try {
        checks[def.name] = await runCheck(server.url, def.check);
      } finally {
        await server.stop();
      }
      const c = checks[def.name];
      log(`  ${def.name.padEnd(16)} ${c.failures.length ? "FAIL" : "pass"}: ${c.passed} ok, ${c.warnings.length} warnings`);
      for (const f of c.failures) log(`      FAIL ${f}`);
    }
  }
  /** @type {any[]} one entry per server, round and scenario */
  const cells = [];
  for (let round = 0; round < (httpPart ? o.rounds : 0); round++) {
    const order = defs.map((_, i) => defs[(i + round) % defs.length]);
    log(`round ${round + 1}/${o.rounds}: ${order.map((d) => d.name).join(" → ")}`);
    for (const def of order) {
      const applicable = scenarios.filter((s) => s.appliesTo(def));
      try {
        cells.push(...(await runServerRound(def, round, o, applicable)));
      } catch (err) {
        const problem = err instanceof Error ? err.message : String(err);
        log(`  ${def.name}: ${problem}`);
        for (const sc of applicable) cells.push({ round, server: def.name, scenario: sc.id, problem });
      }
    }
  }
  /** @type {any[]} */
  const memory = [];
  if (o.memory > 0) {
    log(`memory: exactly ${o.memory} logins per server (after 1,000 warm-up logins)`);
    for (const def of defs.filter((d) => !d.surface && !d.pipeline)) {
      try {
        memory.push(await runMemoryPass(def, o));
      } catch (err) {
        const problem = err instanceof Error ? err.message : String(err);
        log(`  ${def.name}: ${problem}`);
        memory.push({ server: def.name, problem });
      }
    }
  }
  /** @type {any[]} */
  let redis = [];
  if (httpPart && defs.some((d) => d.redis)) {
    log("bytes per session in Redis (MEMORY USAGE):");
    redis = await redisBytes(defs.filter((d) => d.redis));
    for (const r of redis) log(`  ${r.server.padEnd(16)} ${r.bytes ?? "-"} bytes${r.problem ? `  !! ${r.problem}` : ""}`);
  }
  const fanout = o.parts.includes("fanout") ? await runFanout({ quick: o.quick, log }) : null;
  const startup = o.parts.includes("startup") ? await runStartup({ quick: o.quick, log }) : null;
  const connections = o.parts.includes("connections") ? await runConnections({ quick: o.quick, log }) : null;
  const results = { meta, checks, cells, memory, redis, fanout, startup, connections, summary: summarize(meta, cells) };
  const rawDir = join(REPO_ROOT, "bench", ".bench-results");
  mkdirSync(rawDir, { recursive: true });
  writeFileSync(join(rawDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  const written = writeReport(results, join(REPO_ROOT, "docs"));
  log(`wrote ${written.join(", ")}, bench/.bench-results/latest.json`);
  const failed =
    Object.values(checks).some((c) => c.failures.length > 0) ||
    cells.some((c) => c.problem) ||
    memory.some((m) => m.problem || m.non2xx || m.errors) ||
    redis.some((r) => r.problem) ||
    [fanout, startup, connections].some((part) => part?.rows.some((/** @type {any} */ r) => r.problem));
  if (failed) process.exitCode = 1;
  killAll(); // the bench's redis-server, if it ran; its child handle would keep this process alive
}

// Never leave a server behind: end every process group on any way out.
process.on("exit", killAll);
for (const sig of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}
main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  killAll();
  process.exit(1);
});
