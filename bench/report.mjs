// Writes docs/benchmarks.md and docs/benchmarks.svg from a run's results, keeping the
// hand-written profile notes between the markers in benchmarks.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BASELINE } from "./summary.mjs";

const NOTES_START = "<!-- profile-notes:start -->";
const NOTES_END = "<!-- profile-notes:end -->";
const NOTES_PLACEHOLDER = `${NOTES_START}\nProfile findings are recorded here.\n${NOTES_END}`;

/** Okabe-Ito colours (distinguishable with common colour-vision deficiencies). */
/** Lauren in blues, Fastify in oranges, Express in greens, the baseline in grey. */
const COLOURS = {
  "raw-http": "#8C8C8C",
  lauren: "#0072B2",
  "lauren-cookie": "#56B4E9",
  "lauren-pipeline": "#1F3F8F",
  "lauren-redis": "#3E8FD0",
  "lauren-surface": "#004E7A",
  "fastify-session": "#E69F00",
  "fastify-pipeline": "#B36B00",
  "fastify-redis": "#F5C46B",
  "fastify-surface": "#D55E00",
  "express-session": "#009E73",
  "express-redis": "#7FD1B9",
  "express-surface": "#00664A",
};
const SPARE_COLOURS = ["#CC79A7", "#D55E00", "#F0E442", "#000000"];

const int = (/** @type {number | null | undefined} */ n) => (n == null ? "—" : Math.round(n).toLocaleString("en-US"));
const ms = (/** @type {number | null | undefined} */ n) => (n == null ? "—" : String(Math.round(n * 100) / 100));
const mib = (/** @type {number | null | undefined} */ kib) => (kib == null ? "—" : (kib / 1024).toFixed(1));
const signedMib = (/** @type {number | null} */ kib) => (kib == null ? "—" : `${kib >= 0 ? "+" : ""}${(kib / 1024).toFixed(1)}`);
const diff = (/** @type {number | null | undefined} */ a, /** @type {number | null | undefined} */ b) =>
  a == null || b == null ? null : b - a;

/** The preserved notes block of an existing benchmarks.md, or the placeholder. */
function profileNotes(/** @type {string} */ mdPath) {
  if (!existsSync(mdPath)) return NOTES_PLACEHOLDER;
  const old = readFileSync(mdPath, "utf8");
  const start = old.indexOf(NOTES_START);
  const end = old.indexOf(NOTES_END, start);
  if (start < 0 || end < 0) return NOTES_PLACEHOLDER;
  return old.slice(start, end + NOTES_END.length);
}

const us = (/** @type {number | null | undefined} */ n) => (n == null ? "—" : n >= 100 ? String(Math.round(n)) : n.toFixed(1));
const x2 = (/** @type {number | null | undefined} */ n) => (n == null ? "—" : `${n.toFixed(2)}×`);
/** A cost found by difference between medians: below zero it is lost in the noise. */
const byDifference = (/** @type {number | null} */ n) => (n == null ? "—" : n < 0 ? "≈ 0 (within the noise)" : ms(n));
const kib = (/** @type {number | null | undefined} */ b) => (b == null ? "—" : `${(b / 1024).toFixed(1)} KiB`);

/**
 * The targets the project set itself, checked against this run: [what, value, target, met].
 * @param {any} results
 */
function targets(results) {
  const { summary, fanout, startup } = results;
  const t = summary.table;
  /** @type {[string, string, string, boolean | null][]} */
  const out = [];
  const cpu = (/** @type {string} */ n, /** @type {string} */ id) => t[n]?.[id]?.cpuRatio ?? null;
  // The four original scenarios: Lauren's requests per second ÷ raw node:http's, in this run.
  const goals = { a: ["heroes", 0.85], b: ["session read", 0.8], c: ["anonymous", 0.85], d: ["login", 0.75] };
  for (const [id, [what, goal]] of Object.entries(goals)) {
    const ratio = t.lauren?.[id]?.ratio ?? null;
    if (ratio !== null) out.push([`(${id}) ${what}: Lauren's req/s ÷ raw node:http`, x2(ratio), `≥ ${goal.toFixed(2)}×`, ratio >= goal]);
  }
  const g = cpu("lauren", "g");
  if (g !== null) out.push(["(g) 1,000 heroes: Lauren's CPU per request ÷ raw node:http", x2(g), "≤ 0.80×", g <= 0.8]);
  for (const id of ["s", "u"]) {
    const r = cpu("lauren-surface", id);
    if (r !== null)
      out.push([`(${id}) ${id === "s" ? "static file" : "upload"}: Lauren's CPU per request ÷ Fastify`, x2(r), "< 1.00×", r < 1]);
  }
  for (const id of ["b", "d"]) {
    const l = t["lauren-redis"]?.[id]?.cpuUs;
    const peers = ["fastify-redis", "express-redis"].map((n) => t[n]?.[id]?.cpuUs).filter((v) => v != null);
    if (l != null && peers.length > 0) {
      const best = Math.min(...peers);
      out.push([`(${id}) Redis store: Lauren's CPU per request ÷ the leaner connect-redis peer`, x2(l / best), "< 1.00×", l < best]);
    }
  }
  const row = (/** @type {any} */ part, /** @type {string} */ n) => part?.rows.find((/** @type {any} */ r) => r.server === n);
  const ws = row(fanout, "lauren");
  if (ws?.ratio != null) {
    out.push(["WebSocket fan-out: Lauren's deliveries/s ÷ raw ws", x2(ws.ratio), "≥ 0.80×", ws.ratio >= 0.8]);
    const sio = row(fanout, "socket.io");
    if (sio?.perSecond != null)
      out.push(["WebSocket fan-out: Lauren ÷ Socket.IO", x2(ws.perSecond / sio.perSecond), "> 1.00×", ws.perSecond > sio.perSecond]);
  }
  const sse = row(fanout, "lauren-sse");
  if (sse?.ratio != null) out.push(["SSE fan-out: Lauren's events/s ÷ node:http loop", x2(sse.ratio), "≥ 0.80×", sse.ratio >= 0.8]);
  const up = row(startup, "lauren");
  if (up?.ratio != null) {
    out.push(["Start-up: Hero HQ ÷ raw node:http", x2(up.ratio), "≤ 1.50×", up.ratio <= 1.5]);
    const nest = row(startup, "nestjs");
    if (nest?.ms) out.push(["Start-up: Hero HQ ÷ NestJS", x2(up.ms / nest.ms), "< 0.50×", up.ms / nest.ms < 0.5]);
  }
  return out;
}

/** @param {any} results */
export function renderMarkdown(results, notes = NOTES_PLACEHOLDER) {
  const { meta, checks, summary, memory } = results;
  const { table, rss } = summary;
  const m = meta.machine;
  const o = meta.options;
  const servers = meta.servers.map((/** @type {any} */ s) => s.name);
  const scenarios = meta.scenarios;
  const head = (/** @type {string[]} */ cols) => `| ${cols.join(" | ")} |\n|${cols.map(() => " --- ").join("|")}|`;
  const row = (/** @type {string[]} */ cols) => `| ${cols.join(" | ")} |`;
  const flags = (/** @type {any} */ c) => (c.problems.length ? " ⚠" : "") + (c.noisy ? " ~" : "");
  const out = [];
  const ranHttp = o.rounds > 0 && (o.parts ?? ["http"]).includes("http") && results.cells.length > 0;
  /** Servers with at least one cell, in table order. */
  const measured = servers.filter((/** @type {string} */ n) => table[n] && Object.keys(table[n]).length > 0);
  /** A server × scenario table: `cell` fills the cells that ran, the others stay empty. */
  const grid = (/** @type {(c: any) => string} */ cell, title = (/** @type {any} */ s) => `(${s.id})`) => [
    head(["server", ...scenarios.map(title)]),
    ...measured.map((/** @type {string} */ name) =>
      row([
        `\`${name}\``,
        ...scenarios.map((/** @type {any} */ s) => {
          const c = table[name]?.[s.id];
          return c ? cell(c) : "";
        }),
      ]),
    ),
  ];

  out.push(
    "# Benchmarks",
    "",
    "<!-- Generated by bench/run.mjs (npm run bench). Everything outside the profile-notes markers is rewritten on every run. -->",
    "",
    "Hero HQ's API served by Lauren and by peer servers, every server a separate process on the same",
    "machine, in one run. **The headline is the server's CPU time per request** (user + system from",
    "`/proc/<pid>/stat` over the measured window, divided by the requests answered): on a shared",
    "machine it holds far better than requests per second, which swing with whatever else runs.",
    `Ratios are to \`${BASELINE}\` (hand-written \`node:http\`, the practical limit) in the same scenario,`,
    "lower is better; requests per second stay beside it. Absolute numbers only hold for this machine",
    "and this run. How to run and read it: [bench/README.md](../bench/README.md).",
    "",
    "![Server CPU time per request by scenario and server, relative to the baseline](benchmarks.svg)",
    "",
  );
  for (const w of caveats(results)) out.push(`> **${w}**`, "");

  const goals = targets(results);
  if (goals.length > 0) {
    out.push("## Targets", "", "The project's own targets, checked against this run.", "", head(["target", "this run", "goal", ""]));
    for (const [what, value, goal, met] of goals) out.push(row([what, value, goal, met ? "met" : "**missed**"]));
    out.push("");
  }

  if (ranHttp) {
    out.push(
      "## Server CPU per request",
      "",
      `µs of server CPU per request, median over ${o.rounds} round(s); in brackets the ratio to the baseline (lower is better),`,
      "then the spread (min–max over rounds). (g) is measured over a fixed number of requests",
      `(${int(o.fixedRequests)}), the others over ${o.duration} s windows. (s) and (u) have no hand-written server: their ratio is to Fastify.`,
      "",
      ...grid(
        (c) => {
          if (c.cpuUs == null) return `—${flags(c)}`;
          const spread = c.rounds > 1 ? `<br>${us(c.cpuUsMin)}–${us(c.cpuUsMax)}` : "";
          return `**${us(c.cpuUs)}** (${x2(c.cpuRatio)})${flags(c)}${spread}`;
        },
        (s) => `(${s.id}) ${s.title}<br>${s.short}`,
      ),
    );
    out.push(
      "",
      "⚠ = errors, non-2xx answers or a failed pre-/post-check in some round (listed below);",
      `~ = other processes used more than ${meta.noisyCores} cores during the measured window in some round.`,
      "",
      "## Requests per second",
      "",
      `Median over rounds, ${o.connections} connections; in brackets the ratio to the baseline in the same scenario (higher is better).`,
      "",
      ...grid((c) => `${int(c.rps)} (${x2(c.ratio)})${flags(c)}`),
    );
    out.push("");
    const ran = (/** @type {string} */ name, /** @type {string} */ id) => table[name]?.[id] !== undefined;
    if (ran("lauren-cookie", "e"))
      out.push(
        "(e) is (d) against `lauren-cookie`; its ratio is to `raw-http`'s (d). (f) is (a) with the pipeline; its ratio is to `raw-http`'s (a).",
      );
    if (ran("lauren", "a") && ran("lauren-cookie", "a")) {
      out.push("(a) runs the same code in `lauren` and `lauren-cookie`: the gap between those two cells is noise.");
    }
  }

  const fanout = results.fanout;
  if (fanout) {
    out.push(
      "",
      "## WebSocket and SSE fan-out",
      "",
      `${int(fanout.clients)} clients in one room (WebSocket) or on one feed (SSE), one sender, ${int(fanout.messages)} messages`,
      "with at most 8 in flight (a message is done when every client has it); the clients run in the",
      `harness process. Median over ${fanout.rounds} round(s). Deliveries per second (spread), ratio to the hand-written`,
      "loop; delivery latency from send to receipt (it includes waiting behind the messages in flight);",
      "the server's CPU per delivery and its ratio to the loop. When the clients are the bottleneck (every",
      "server near the same deliveries/s), the CPU per delivery is the figure that tells the servers apart.",
      "",
      head(["", "server", "deliveries/s", "ratio", "p50 / p99 ms", "server CPU µs per delivery", "what"]),
    );
    for (const r of fanout.rows) {
      out.push(
        row([
          r.kind === "ws" ? "WebSocket" : "SSE",
          `\`${r.server}\``,
          r.problem ? `⚠ ${r.problem}` : `**${int(r.perSecond)}**${r.rounds > 1 ? ` (${int(r.perSecondMin)}–${int(r.perSecondMax)})` : ""}`,
          x2(r.ratio),
          `${ms(r.p50)} / ${ms(r.p99)}`,
          `${us(r.cpuUs)} (${x2(r.cpuRatio)})`,
          r.label,
        ]),
      );
    }
  }

  const startup = results.startup;
  if (startup) {
    out.push(
      "",
      "## Start-up time",
      "",
      `From spawning \`node <entry>\` to the first 200 on \`GET /heroes/\` (polled every 5 ms), median of ${startup.starts}`,
      `cold starts per server, interleaved, \`NODE_ENV=production\`. For scale: \`node -e 0\` takes ${ms(startup.nodeMs)} ms from spawn to exit here.`,
      "",
      head(["server", "ms", "min–max", "ratio to raw-http", "what"]),
    );
    for (const r of startup.rows) {
      out.push(
        row([`\`${r.server}\``, r.problem ? `⚠ ${r.problem}` : `**${ms(r.ms)}**`, `${ms(r.min)}–${ms(r.max)}`, x2(r.ratio), r.label]),
      );
    }
    const p = startup.profile;
    if (p) {
      const f = p.phases;
      const docs = f.create != null && p.createNoDocs != null ? f.create - p.createNoDocs : null;
      const doc = p.createNoDocs != null && p.createNoOpenapi != null ? p.createNoDocs - p.createNoOpenapi : null;
      out.push(
        "",
        `Where Hero HQ's start-up goes (\`bench/startup-profile.mjs\`: \`performance.now()\` around public calls in a fresh`,
        `process, ms, median of ${p.repeats}; the OpenAPI document and the docs UI are priced by building the app without them):`,
        "",
        head(["phase", "ms"]),
        row(["node boot, until the first line of the script", ms(f.boot)]),
        row(['`import("lauren")`', ms(f.importLauren)]),
        row(["Hero HQ's module graph (controllers, zod schemas, @lauren/redis)", ms(f.importApp)]),
        row(["`LaurenFactory.create()`: modules, DI, route compile, OpenAPI, docs UI", ms(f.create)]),
        row(["… of which the OpenAPI document", byDifference(doc)]),
        row(["… of which the docs UI (page and assets)", byDifference(docs)]),
        row(["`listen()`", ms(f.listen)]),
        row(["first `GET /heroes/`", ms(f.firstRequest)]),
      );
    }
  }

  const conns = results.connections;
  if (conns) {
    out.push(
      "",
      "## Memory per idle connection",
      "",
      "A fresh server; RSS idle, then idle connections opened (WebSockets joined to the room, or SSE",
      "subscribers of the feed) up to each count, RSS 1.5 s after; bytes per connection = growth ÷",
      "connections. No GC is forced, so the heap's growth steps show at small counts.",
      "",
      head(["", "server", ...conns.counts.map((/** @type {number} */ n) => `${int(n)} connections`), "RSS idle"]),
    );
    const keys = [...new Set(conns.rows.map((/** @type {any} */ r) => `${r.kind}|${r.server}`))];
    for (const key of keys) {
      const [kind, server] = String(key).split("|");
      const mine = conns.rows.filter((/** @type {any} */ r) => r.kind === kind && r.server === server);
      out.push(
        row([
          kind === "ws" ? "WebSocket" : "SSE",
          `\`${server}\``,
          ...conns.counts.map((/** @type {number} */ n) => {
            const r = mine.find((/** @type {any} */ x) => x.connections === n);
            return !r ? "—" : r.problem ? `⚠ ${r.problem}` : `${kib(r.bytesPerConnection)} (RSS ${mib(r.rssOpen)} MiB)`;
          }),
          `${mib(mine[0]?.rssIdle)} MiB`,
        ]),
      );
    }
  }

  if (results.redis?.length > 0) {
    out.push(
      "",
      "## Bytes per session in Redis",
      "",
      "`MEMORY USAGE` of one logged-in session's key (`hero_id` and `name`), every server on the bench's own redis-server.",
      "",
      head(["server", "key", "bytes per session", "sessions per GiB"]),
    );
    for (const r of results.redis) {
      out.push(
        r.problem
          ? row([`\`${r.server}\``, `⚠ ${r.problem}`, "", ""])
          : row([`\`${r.server}\``, `\`${r.key}\``, int(r.bytes), int(r.perGiB)]),
      );
    }
  }

  if (ranHttp) {
    out.push(
      "",
      "## Latency",
      "",
      `p50 / p99 in milliseconds (autocannon's percentiles, 1 ms resolution, median over rounds), at ${o.connections} connections.`,
      "",
      ...grid((c) => `${ms(c.p50)} / ${ms(c.p99)}`),
    );
    out.push(
      "",
      "## CPU during the measured window",
      "",
      "Cores used by the server process / by everything else on the machine (other sessions' work and the",
      "kernel's loopback networking; the load generator is not counted), median over rounds.",
      "",
      ...grid((c) => (c.serverCpu != null ? `${c.serverCpu.toFixed(2)} / ${c.otherCpu?.toFixed(2)}` : "")),
    );
    const rssRows = servers.filter((/** @type {string} */ n) => rss[n]);
    if (rssRows.length > 0) {
      out.push(
        "",
        "## Memory during the login scenario",
        "",
        "RSS of the server process (`VmRSS` in `/proc/<pid>/status`, MiB, median over rounds): idle after start,",
        "then right before and right after the measured window of (d) (for `lauren-cookie`: (e)). Faster servers",
        "make more logins in the window, so compare growth with the login count, or use `--memory` (a fixed count).",
        "",
        head(["server", "idle", "before", "after", "growth", "logins in the window"]),
      );
      for (const name of rssRows) {
        const r = rss[name];
        out.push(
          row([
            `\`${name}\` (${r.scenario})`,
            mib(r.idle),
            mib(r.before),
            mib(r.after),
            signedMib(diff(r.before, r.after)),
            int(r.requests),
          ]),
        );
      }
    }
  }

  if (memory.length > 0) {
    out.push(
      "",
      `## RSS growth over ${int(o.memory)} logins`,
      "",
      `A fresh process per server: 1,000 warm-up logins, then exactly ${int(o.memory)} \`POST /me/login\` with`,
      `autocannon's \`amount\` (${o.connections} connections). RSS in MiB; no GC is forced.`,
      "",
      head(["server", "logins (2xx)", "RSS before", "RSS after", "growth", "bytes per login", "RSS 2 s later"]),
    );
    for (const r of memory) {
      if (r.problem) {
        out.push(row([`\`${r.server}\``, `⚠ ${r.problem.split("\n")[0]}`, "", "", "", "", ""]));
        continue;
      }
      const growth = diff(r.rssBefore, r.rssAfter);
      const perLogin = growth == null || !r.logins ? "—" : int((growth * 1024) / r.logins);
      out.push(row([`\`${r.server}\``, int(r.logins), mib(r.rssBefore), mib(r.rssAfter), signedMib(growth), perLogin, mib(r.rssSettled)]));
    }
  }

  out.push("", "## Servers", "", head(["name", "what", "contract check (bench/check.mjs)"]));
  for (const s of meta.servers) {
    const c = checks[s.name];
    const verdict = !c
      ? s.hq === false
        ? "— (no Hero HQ routes; its scenarios check their answers)"
        : "not run"
      : c.failures.length
        ? `**failed**: ${c.failures.join("; ")}`
        : `pass (${c.passed} checks)`;
    const warnings = c?.warnings.length
      ? `; warnings: ${c.warnings.map((/** @type {string} */ w) => w.replace(/ \(got .*$/, "")).join("; ")}`
      : "";
    out.push(row([`\`${s.name}\``, s.label, verdict + warnings]));
  }

  out.push("", "## Scenarios", "", head(["", "request", "measures"]));
  for (const s of scenarios) out.push(row([`(${s.id})`, s.title, s.what]));

  const problems = servers.flatMap((/** @type {string} */ name) =>
    scenarios.flatMap((/** @type {any} */ s) =>
      (table[name]?.[s.id]?.problems ?? []).map((/** @type {string} */ p) => `- \`${name}\` (${s.id}) ${p}`),
    ),
  );
  if (problems.length > 0) out.push("", "## Problems in this run", "", ...problems);

  const versions = Object.entries(m.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  out.push(
    "",
    "## This run",
    "",
    head(["", ""]),
    row(["date", meta.date]),
    row(["command", `\`${meta.command}\` (from the repository root)`]),
    row([
      "method",
      `HTTP: ${o.rounds} round(s); per scenario ${o.warmup} s warm-up + ${o.duration} s measured ((g): ${int(o.fixedRequests)} requests), ${o.connections} connections, ` +
        "autocannon in the harness process; a fresh server process per server and round, order rotated each round. " +
        "Fan-out, start-up and connection memory as described in their sections",
    ]),
    row(["machine", `${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os}`]),
    row(["node", m.node]),
    row(["packages", versions]),
    "",
    "The machine is a shared 2-core VM: server, load generator and kernel share the cores, and",
    "repeated runs of the same server can differ by 10–25 %. Compare ratios within one run; do not",
    "read small gaps between servers as real.",
    "",
    "## Profile notes",
    "",
    notes,
    "",
  );
  return out.join("\n");
}

/** Warnings that belong at the top of the report and the chart: quick runs and noisy cells. */
function caveats(/** @type {any} */ results) {
  const { meta, cells } = results;
  const out = [];
  const o = meta.options;
  if (o.rounds === 1 && o.duration <= 2) out.push("A --quick run: a self-test of the harness, not a measurement.");
  const measured = cells.filter((/** @type {any} */ c) => c.cpu);
  const noisy = measured.filter((/** @type {any} */ c) => c.noisy).length;
  if (measured.length > 0 && noisy / measured.length > 0.25) {
    out.push(
      `Noisy run: in ${noisy} of ${measured.length} measured windows other processes used more than ${meta.noisyCores} cores; these ratios are not reliable.`,
    );
  }
  return out;
}

const esc = (/** @type {string} */ s) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/**
 * A grouped bar chart: one group per scenario, one bar per server (raw-http is the dashed 1.0 line).
 * @param {any} results
 */
export function renderSvg(results) {
  const { meta, summary } = results;
  const warnings = caveats(results);
  const W = 1200;
  const left = 76;
  const right = 24;
  const bars = meta.servers
    .map((/** @type {any} */ s) => s.name)
    .filter((/** @type {string} */ n) => summary.table[n] && Object.keys(summary.table[n]).length > 0);
  // The legend wraps: one row per this many pixels of names.
  const legendWidth = (/** @type {string} */ n) => 36 + n.length * 7;
  /** @type {string[][]} */
  const legendRows = [[]];
  let used = 0;
  for (const n of bars) {
    if (used + legendWidth(n) > W - left - right && used > 0) {
      legendRows.push([]);
      used = 0;
    }
    legendRows[legendRows.length - 1].push(n);
    used += legendWidth(n);
  }
  const shift = warnings.length * 17 + (legendRows.length - 1) * 20; // warnings and extra legend rows
  const H = 500 + shift;
  const top = 110 + shift;
  const bottom = 84;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const colour = Object.fromEntries(
    bars.map((/** @type {string} */ n, /** @type {number} */ i) => [n, COLOURS[n] ?? SPARE_COLOURS[i % 4]]),
  );
  const groups = meta.scenarios
    .map((/** @type {any} */ s) => ({
      s,
      values: bars
        .map((/** @type {string} */ n) => ({
          name: n,
          ratio: summary.table[n]?.[s.id]?.cpuRatio ?? null,
          us: summary.table[n]?.[s.id]?.cpuUs ?? null,
        }))
        .filter((/** @type {any} */ v) => v.ratio != null),
    }))
    .filter((/** @type {any} */ g) => g.values.length > 0);
  // Express costs many times the baseline; the axis stops at CAP so the gaps near 1 stay visible,
  // and a taller bar is cut at the top with its ratio written on it.
  const CAP = 4;
  const maxRatio = Math.min(CAP, Math.max(1, ...groups.flatMap((/** @type {any} */ g) => g.values.map((/** @type {any} */ v) => v.ratio))));
  const step = maxRatio > 2.2 ? 0.5 : 0.2;
  const yMax = maxRatio >= CAP ? CAP : Math.ceil((maxRatio * 1.2) / step) * step;
  const y = (/** @type {number} */ v) => top + plotH - (v / yMax) * plotH;
  const o = meta.options;
  const sub = `server CPU time per request, median of ${o.rounds} round(s), ${o.connections} connections · ${meta.date.slice(0, 10)} · ${meta.machine.cores} cores · node ${meta.machine.node}`;

  const el = [];
  el.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" role="img" aria-labelledby="t d">`,
    `<title id="t">Hero HQ: server CPU time per request, relative to the baseline</title>`,
    `<desc id="d">Grouped bars per scenario; the height is each server's CPU microseconds per request divided by the baseline's in the same scenario (raw node:http; Fastify for the static file and upload scenarios), the label the microseconds. Lower is better. ${esc(sub)}</desc>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${left}" y="28" font-size="18" font-weight="600" fill="#111">Server CPU µs per request, relative to raw node:http (lower is better)</text>`,
    `<text x="${left}" y="48" font-size="12" fill="#555">${esc(sub)}</text>`,
  );
  warnings.forEach((w, i) => {
    el.push(`<text x="${left}" y="${66 + i * 17}" font-size="12" font-weight="600" fill="#B00020">⚠ ${esc(w)}</text>`);
  });
  // Legend.
  const legendTop = 62 + warnings.length * 17;
  legendRows.forEach((names, r) => {
    let lx = left;
    for (const n of names) {
      el.push(`<rect x="${lx}" y="${legendTop + r * 20}" width="14" height="14" rx="2" fill="${colour[n]}"/>`);
      el.push(`<text x="${lx + 20}" y="${legendTop + r * 20 + 12}" font-size="13" fill="#222">${esc(n)}</text>`);
      lx += legendWidth(n);
    }
  });
  // Grid and y axis.
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    const yy = y(v).toFixed(1);
    el.push(`<line x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}" stroke="#e5e5e5"/>`);
    el.push(`<text x="${left - 8}" y="${(y(v) + 4).toFixed(1)}" font-size="12" text-anchor="end" fill="#444">${v.toFixed(1)}</text>`);
  }
  el.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#888"/>`);
  el.push(`<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#888"/>`);
  const midY = top + plotH / 2;
  el.push(
    `<text x="22" y="${midY}" font-size="13" fill="#222" text-anchor="middle" transform="rotate(-90 22 ${midY})">CPU per request ÷ baseline</text>`,
  );

  if (groups.length === 0) {
    el.push(
      `<text x="${left + plotW / 2}" y="${midY}" font-size="14" text-anchor="middle" fill="#555">no CPU ratios in this run (baselines not measured)</text>`,
    );
  }
  const groupW = plotW / Math.max(1, groups.length);
  const maxBars = Math.max(1, ...groups.map((/** @type {any} */ g) => g.values.length));
  const barW = Math.min(34, (groupW * 0.78) / maxBars);
  groups.forEach((/** @type {any} */ g, /** @type {number} */ gi) => {
    const cx = left + groupW * (gi + 0.5);
    const x0 = cx - (barW * g.values.length) / 2;
    g.values.forEach((/** @type {any} */ v, /** @type {number} */ bi) => {
      const x = x0 + bi * barW;
      const cut = v.ratio > yMax;
      const yy = y(Math.min(v.ratio, yMax));
      el.push(
        `<rect x="${(x + 1).toFixed(1)}" y="${yy.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - yy).toFixed(1)}" fill="${colour[v.name]}"><title>${esc(v.name)} (${g.s.id}): ${us(v.us)} µs per request, ${v.ratio.toFixed(2)}× the baseline</title></rect>`,
      );
      const lx = (x + barW / 2 + 3).toFixed(1);
      el.push(
        cut
          ? `<text x="${lx}" y="${(yy + 4).toFixed(1)}" font-size="10" text-anchor="end" transform="rotate(-90 ${lx} ${(yy + 4).toFixed(1)})" fill="#fff">${us(v.us)} · ${v.ratio.toFixed(1)}×</text>`
          : `<text x="${lx}" y="${(yy - 4).toFixed(1)}" font-size="10" transform="rotate(-90 ${lx} ${(yy - 4).toFixed(1)})" fill="#222">${us(v.us)}</text>`,
      );
    });
    el.push(
      `<text x="${cx.toFixed(1)}" y="${top + plotH + 22}" font-size="12.5" font-weight="600" text-anchor="middle" fill="#222">(${g.s.id}) ${esc(g.s.short)}</text>`,
    );
    el.push(
      `<text x="${cx.toFixed(1)}" y="${top + plotH + 40}" font-size="11.5" text-anchor="middle" fill="#555">${esc(g.s.title)}</text>`,
    );
  });
  // The baseline, drawn over the bars.
  const y1 = y(1).toFixed(1);
  el.push(`<line x1="${left}" x2="${W - right}" y1="${y1}" y2="${y1}" stroke="#333" stroke-width="1.5" stroke-dasharray="6 4"/>`);
  el.push(
    `<text x="${W - right - 4}" y="${(y(1) - 6).toFixed(1)}" font-size="12" text-anchor="end" fill="#333">baseline = 1.0 (raw node:http; Fastify for s, u) · bar labels: µs</text>`,
  );
  el.push(`<text x="${left + plotW / 2}" y="${H - 14}" font-size="13" text-anchor="middle" fill="#222">scenario</text>`);
  el.push("</svg>", "");
  return el.join("\n");
}

/**
 * Writes benchmarks.md (keeping its profile notes) and benchmarks.svg into `docsDir`.
 * @param {any} results
 * @param {string} docsDir
 */
export function writeReport(results, docsDir) {
  mkdirSync(docsDir, { recursive: true });
  const mdPath = join(docsDir, "benchmarks.md");
  const svgPath = join(docsDir, "benchmarks.svg");
  const md = renderMarkdown(results, profileNotes(mdPath));
  writeFileSync(svgPath, renderSvg(results));
  writeFileSync(mdPath, md);
  return ["docs/benchmarks.md", "docs/benchmarks.svg"];
}

// `node bench/report.mjs`: rewrites the page and the chart from the last run's raw results.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const results = JSON.parse(readFileSync(join(root, "bench", ".bench-results", "latest.json"), "utf8"));
  console.log(`wrote ${writeReport(results, join(root, "docs")).join(", ")} from bench/.bench-results/latest.json`);
}
