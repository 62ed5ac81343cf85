// Readings from /proc (Linux): server RSS and CPU, machine-wide CPU, and a machine summary.
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

/** Clock ticks per second of /proc/<pid>/stat and /proc/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Resident set size of a process in KiB (VmRSS), or null if it is gone. */
export function rssKiB(/** @type {number} */ pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) used so far by a process, or 0 if it is gone. */
export function processCpuSeconds(/** @type {number} */ pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of the whole machine (all cores; user, nice, system, irq, softirq). */
function machineBusySeconds() {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
  const [user, nice, system, , , irq, softirq] = line.split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) / TICKS_PER_SECOND;
}

/**
 * Starts a CPU meter over one window. `stop()` returns cores used (CPU seconds per wall second)
 * by the server, by this harness (the load generator) and by everything else ("other": other
 * people's processes, plus the kernel's loopback network work for our own traffic), and the
 * server's CPU seconds in the window (`serverSeconds`, 10 ms resolution).
 * @param {number} serverPid
 */
export function startCpuMeter(serverPid) {
  const t0 = performance.now();
  const server0 = processCpuSeconds(serverPid);
  const self0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const server = processCpuSeconds(serverPid) - server0;
    const selfUsage = process.cpuUsage(self0);
    const harness = (selfUsage.user + selfUsage.system) / 1e6;
    const machine = machineBusySeconds() - machine0;
    const round = (/** @type {number} */ x) => Math.round((x / wall) * 100) / 100;
    return {
      server: round(server),
      harness: round(harness),
      other: round(Math.max(0, machine - server - harness)),
      serverSeconds: server,
    };
  };
}

/** Cores busy machine-wide over `ms` milliseconds, not counting this process. */
export async function machineLoad(/** @type {number} */ ms) {
  const self0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const selfUsage = process.cpuUsage(self0);
  const busy = machineBusySeconds() - machine0 - (selfUsage.user + selfUsage.system) / 1e6;
  return Math.max(0, busy / (ms / 1000));
}

/**
 * Cores, memory, CPU model, node version and the versions of the given packages, read from the
 * first node_modules (walking up from `fromDir`) that holds each.
 * @param {string} fromDir
 * @param {string[]} packages
 */
export function machineInfo(fromDir, packages) {
  let cpuModel = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpuModel = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  /** @type {Record<string, string>} */
  const versions = {};
  for (const name of packages) versions[name] = packageVersion(fromDir, name) ?? "not installed";
  return {
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpuModel,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    versions,
  };
}

function packageVersion(/** @type {string} */ fromDir, /** @type {string} */ name) {
  for (let dir = fromDir; ; dir = join(dir, "..")) {
    try {
      return JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      if (join(dir, "..") === dir) return null;
    }
  }
}
