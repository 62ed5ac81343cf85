// Medians over rounds and ratios to raw-http, from the per-round cells run.mjs records.

export const BASELINE = "raw-http";

/** Median of the finite numbers in `xs`, or null if there are none. */
export function median(/** @type {Array<number | null | undefined>} */ xs) {
  const v = /** @type {number[]} */ (xs.filter((x) => typeof x === "number" && Number.isFinite(x))).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * @typedef {{ rps: number | null, ratio: number | null, p50: number | null, p99: number | null,
 *             cpuUs: number | null, cpuUsMin: number | null, cpuUsMax: number | null, cpuRatio: number | null,
 *             serverCpu: number | null, otherCpu: number | null, rounds: number, noisy: number,
 *             problems: string[] }} CellSummary
 * @typedef {{ idle: number | null, before: number | null, after: number | null, requests: number | null,
 *             scenario: string }} RssSummary
 */

/**
 * @param {{ servers: { name: string }[], scenarios: { id: string, baselineOf?: string }[] }} meta
 * @param {any[]} cells
 */
export function summarize(meta, cells) {
  /** @type {Record<string, Record<string, CellSummary>>} */
  const table = {};
  /** @type {Record<string, RssSummary>} */
  const rss = {};
  for (const { name } of meta.servers) {
    table[name] = {};
    for (const { id } of meta.scenarios) {
      const mine = cells.filter((c) => c.server === name && c.scenario === id);
      if (mine.length === 0) continue;
      const measured = mine.filter((c) => typeof c.rps === "number" && !c.problem);
      const cpuUs = measured.map((c) => c.cpuUs).filter((x) => typeof x === "number");
      table[name][id] = {
        rps: median(measured.map((c) => c.rps)),
        ratio: null,
        cpuUs: median(cpuUs),
        cpuUsMin: cpuUs.length ? Math.min(...cpuUs) : null,
        cpuUsMax: cpuUs.length ? Math.max(...cpuUs) : null,
        cpuRatio: null,
        p50: median(measured.map((c) => c.p50)),
        p99: median(measured.map((c) => c.p99)),
        serverCpu: median(measured.map((c) => c.cpu?.server)),
        otherCpu: median(measured.map((c) => c.cpu?.other)),
        rounds: measured.length,
        noisy: measured.filter((c) => c.noisy).length,
        problems: mine.filter((c) => c.problem).map((c) => `round ${c.round + 1}: ${c.problem}`),
      };
      const writes = mine.filter((c) => typeof c.rssBefore === "number");
      if (writes.length > 0) {
        rss[name] = {
          scenario: id,
          idle: median(writes.map((c) => c.rssIdle)),
          before: median(writes.map((c) => c.rssBefore)),
          after: median(writes.map((c) => c.rssAfter)),
          requests: median(writes.map((c) => c.ok)),
        };
      }
    }
  }
  for (const { id, baselineOf, baselineServer } of meta.scenarios) {
    const base = table[baselineServer ?? BASELINE]?.[baselineOf ?? id];
    for (const name of Object.keys(table)) {
      const cell = table[name][id];
      if (!cell || !base) continue;
      if (cell.rps !== null && base.rps) cell.ratio = Math.round((cell.rps / base.rps) * 100) / 100;
      if (cell.cpuUs !== null && base.cpuUs) cell.cpuRatio = Math.round((cell.cpuUs / base.cpuUs) * 100) / 100;
    }
  }
  return { table, rss };
}
