// Start-up time: from spawning the process to the first 200 on GET /heroes/, for Hero HQ and the
// same API on raw node:http, Fastify, Express and NestJS; cold starts interleaved, medians. Then
// the profile of Hero HQ's start-up phases (bench/startup-profile.mjs) in fresh processes.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT, SERVERS, startServer } from "./servers.mjs";
import { median } from "./summary.mjs";

const run = promisify(execFile);

/** @type {import("./servers.mjs").ServerDef[]} */
const STARTERS = [
  ...["raw-http", "lauren", "fastify-session", "express-session"].map(
    (n) => /** @type {import("./servers.mjs").ServerDef} */ (SERVERS.find((s) => s.name === n)),
  ),
  { name: "nestjs", label: "NestJS 11 (platform-express) + express-session", entry: "bench/peers/nestjs.mjs", check: null },
];

const round1 = (/** @type {number | null} */ x) => (x == null ? null : Math.round(x * 10) / 10);

/** @param {{ quick: boolean, log: (line: string) => void }} o */
export async function runStartup({ quick, log }) {
  const starts = quick ? 5 : 20;
  log(`start-up: ${starts} cold starts per server, spawn to the first 200 on GET /heroes/`);
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(STARTERS.map((d) => [d.name, []]));
  /** @type {Record<string, string>} */
  const problems = {};
  for (let i = 0; i < starts; i++) {
    for (let j = 0; j < STARTERS.length; j++) {
      const def = STARTERS[(i + j) % STARTERS.length];
      if (problems[def.name]) continue;
      try {
        const server = await startServer(def, { pollMs: 5 });
        times[def.name].push(server.readyMs);
        await server.stop();
      } catch (err) {
        problems[def.name] = err instanceof Error ? err.message : String(err);
      }
    }
  }
  const raw = median(times["raw-http"]);
  const rows = STARTERS.map((def) => {
    const t = times[def.name];
    const ms = median(t);
    const row = {
      server: def.name,
      label: def.label,
      ms: round1(ms),
      min: t.length ? round1(Math.min(...t)) : null,
      max: t.length ? round1(Math.max(...t)) : null,
      ratio: ms !== null && raw ? Math.round((ms / raw) * 100) / 100 : null,
      starts: t.length,
      problem: problems[def.name],
    };
    log(`  ${def.name.padEnd(16)} ${row.ms ?? "-"} ms (${row.min}–${row.max})${row.problem ? `  !! ${row.problem}` : ""}`);
    return row;
  });
  // node itself: spawn to exit of an empty script, the floor under every row.
  const bare = [];
  for (let i = 0; i < starts; i++) {
    const t0 = performance.now();
    await run(process.execPath, ["-e", "0"]);
    bare.push(performance.now() - t0);
  }
  const profile = await profilePhases(quick ? 3 : 7, log);
  return { starts, rows, nodeMs: round1(median(bare)), profile };
}

/**
 * Hero HQ's phases, median over `repeats` fresh processes per variant; the variants without the
 * docs UI and without OpenAPI price those two by difference.
 */
async function profilePhases(/** @type {number} */ repeats, /** @type {(line: string) => void} */ log) {
  /** @type {Record<string, Record<string, number[]>>} */
  const samples = {};
  for (let i = 0; i < repeats; i++) {
    for (const variant of ["full", "no-docs", "no-openapi"]) {
      const { stdout } = await run(process.execPath, [join(REPO_ROOT, "bench", "startup-profile.mjs"), variant], { cwd: REPO_ROOT });
      const { phases } = JSON.parse(stdout);
      samples[variant] ??= {};
      for (const [k, v] of Object.entries(phases)) {
        samples[variant][k] ??= [];
        samples[variant][k].push(v);
      }
    }
  }
  /** @type {Record<string, Record<string, number | null>>} */
  const medians = {};
  for (const [variant, phases] of Object.entries(samples)) {
    medians[variant] = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round1(median(v))]));
  }
  const full = medians.full;
  log(`  Hero HQ phases (ms, median of ${repeats}): ${JSON.stringify(full)}`);
  return {
    repeats,
    phases: full,
    // create() without the docs UI, and without the OpenAPI document too.
    createNoDocs: medians["no-docs"].create,
    createNoOpenapi: medians["no-openapi"].create,
  };
}
