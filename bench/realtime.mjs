// Real-time parts of the bench: WebSocket and server-sent-event fan-out (1,000 clients, one
// sender), and memory per idle connection (RSS growth over 1,000 and 5,000 connections). The
// clients run in this process; every server is a fresh process of its own.

import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { io as socketIo } from "socket.io-client";
import WebSocket from "ws";
import { processCpuSeconds, rssKiB } from "./proc.mjs";
import { startServer } from "./servers.mjs";
import { median } from "./summary.mjs";

const HERO_HQ = "examples/hero-hq/dist/src/main.js";

/**
 * The real-time servers. `kind` says how a client talks to it.
 * @type {Record<string, import("./servers.mjs").ServerDef & { kind: "ws" | "socket.io" | "sse" }>}
 */
export const REALTIME = {
  lauren: {
    name: "lauren",
    label: "Hero HQ's /comms gateway: a BroadcastGroup room (zod-checked chat messages)",
    entry: HERO_HQ,
    kind: "ws",
    check: null,
  },
  "raw-ws": {
    name: "raw-ws",
    label: "`ws` with a hand-written broadcast loop (the limit)",
    entry: "bench/peers/realtime-raw.mjs",
    kind: "ws",
    check: null,
  },
  "socket.io": {
    name: "socket.io",
    label: "Socket.IO 4 rooms, websocket transport",
    entry: "bench/peers/socketio.mjs",
    kind: "socket.io",
    check: null,
  },
  "lauren-sse": {
    name: "lauren-sse",
    label: "Lauren: an EventStream over a BroadcastGroup room's listen()",
    entry: "bench/peers/lauren-feed.ts",
    nodeArgs: ["--import", "tsx"],
    kind: "sse",
    check: null,
  },
  "raw-sse": {
    name: "raw-sse",
    label: "node:http, hand-written SSE loop (the limit)",
    entry: "bench/peers/realtime-raw.mjs",
    kind: "sse",
    check: null,
  },
};

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @typedef {{ close: () => void, onData: (fn: (seq: number) => void) => void, send?: (seq: number) => void }} Client */

/** One WebSocket client of /comms; `send` posts a chat message whose text is the sequence number. */
function wsClient(/** @type {string} */ base) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace("http", "ws")}/comms`, { perMessageDeflate: false });
    /** @type {(seq: number) => void} */
    let handler = () => {};
    ws.on("message", (data) => handler(Number(JSON.parse(String(data)).chat)));
    ws.once("open", () =>
      resolve(
        /** @type {Client} */ ({
          close: () => ws.terminate(),
          onData: (fn) => {
            handler = fn;
          },
          send: (seq) => ws.send(`{"event":"chat","text":"${seq}"}`),
        }),
      ),
    );
    ws.once("error", reject);
  });
}

/** One Socket.IO client, websocket transport only. */
function socketIoClient(/** @type {string} */ base) {
  return new Promise((resolve, reject) => {
    const socket = socketIo(base, { transports: ["websocket"], forceNew: true, reconnection: false });
    /** @type {(seq: number) => void} */
    let handler = () => {};
    socket.on("chat", (message) => handler(Number(message.chat)));
    socket.once("connect", () =>
      resolve(
        /** @type {Client} */ ({
          close: () => socket.disconnect(),
          onData: (fn) => {
            handler = fn;
          },
          send: (seq) => socket.emit("chat", { text: String(seq) }),
        }),
      ),
    );
    socket.once("connect_error", reject);
  });
}

/** One subscriber of GET /feed on a connection of its own; frames are `data: <seq>\n\n`. */
function sseClient(/** @type {string} */ base) {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/feed`, { agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /feed answered ${res.statusCode}`));
      /** @type {(seq: number) => void} */
      let handler = () => {};
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        buffer += chunk;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const at = frame.indexOf("data: ");
          if (at >= 0) handler(Number(frame.slice(at + 6)));
          end = buffer.indexOf("\n\n");
        }
      });
      res.on("error", () => {});
      resolve(/** @type {Client} */ ({ close: () => req.destroy(), onData: (fn) => (handler = fn) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const CONNECT = { ws: wsClient, "socket.io": socketIoClient, sse: sseClient };

/** Opens `n` clients, `batch` handshakes at a time. */
async function openClients(
  /** @type {"ws" | "socket.io" | "sse"} */ kind,
  /** @type {string} */ base,
  /** @type {number} */ n,
  batch = 100,
) {
  /** @type {Client[]} */
  const clients = [];
  try {
    for (let i = 0; i < n; i += batch) {
      clients.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, () => CONNECT[kind](base)))));
    }
  } catch (err) {
    for (const c of clients) c.close();
    throw err;
  }
  return clients;
}

/** A publisher for the SSE servers: POST /publish?text=<seq> on keep-alive connections. */
function ssePublisher(/** @type {string} */ base) {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  return {
    send(/** @type {number} */ seq) {
      const req = request(`${base}/publish?text=${seq}`, { method: "POST", agent }, (res) => res.resume());
      req.on("error", () => {});
      req.end();
    },
    close: () => agent.destroy(),
  };
}

/**
 * Sends `messages` messages with at most `window` in flight (a message is done once every
 * client got it); returns deliveries, elapsed ms and the per-delivery latencies.
 * @param {Client[]} clients
 * @param {(seq: number) => void} send
 */
function burst(clients, send, messages, window = 8, timeoutMs = 120_000) {
  const n = clients.length;
  const sentAt = new Float64Array(messages);
  const remaining = new Int32Array(messages).fill(n);
  const latencies = new Float64Array(messages * n);
  let delivered = 0;
  let done = 0;
  let sent = 0;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${delivered} of ${messages * n} deliveries within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    const next = () => {
      sentAt[sent] = performance.now();
      send(sent++);
    };
    const onData = (/** @type {number} */ seq) => {
      if (!(seq >= 0 && seq < messages)) return;
      latencies[delivered++] = performance.now() - sentAt[seq];
      if (--remaining[seq] > 0) return;
      done++;
      if (done === messages) {
        clearTimeout(timer);
        resolve({ delivered, ms: performance.now() - t0, latencies });
      } else if (sent < messages) next();
    };
    for (const c of clients) c.onData(onData);
    for (let i = 0; i < Math.min(window, messages); i++) next();
  });
}

/** The p-th percentile of `xs` (sorted in place). */
function percentile(/** @type {Float64Array} */ xs, /** @type {number} */ p) {
  xs.sort();
  return xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
}

/**
 * One fan-out measurement on a fresh server: open the clients, a warm-up burst, then the
 * measured burst with the server's CPU time.
 * @param {(typeof REALTIME)[string]} def
 */
async function fanoutOnce(def, /** @type {{ clients: number, messages: number }} */ o) {
  const server = await startServer(def);
  /** @type {Client[]} */
  let clients = [];
  /** @type {{ send: (seq: number) => void, close: () => void } | null} */
  let publisher = null;
  try {
    clients = await openClients(def.kind, server.url, o.clients);
    if (def.kind === "sse") publisher = ssePublisher(server.url);
    else publisher = { send: /** @type {(seq: number) => void} */ (clients[0]?.send), close: () => {} };
    await sleep(300);
    await burst(clients, publisher.send, Math.max(20, o.messages / 10));
    const cpu0 = processCpuSeconds(server.pid);
    const run = /** @type {{ delivered: number, ms: number, latencies: Float64Array }} */ (
      await burst(clients, publisher.send, o.messages)
    );
    const cpu = processCpuSeconds(server.pid) - cpu0;
    return {
      perSecond: Math.round((run.delivered / run.ms) * 1000),
      p50: Math.round(percentile(run.latencies, 50) * 10) / 10,
      p99: Math.round(percentile(run.latencies, 99) * 10) / 10,
      cpuUs: Math.round((cpu * 1e7) / run.delivered) / 10,
      deliveries: run.delivered,
    };
  } finally {
    publisher?.close();
    for (const c of clients) c.close();
    await server.stop();
  }
}

/**
 * The fan-out tables: WebSocket (lauren, raw-ws, socket.io) and SSE (lauren-sse, raw-sse),
 * 1,000 clients, each server `rounds` times (order rotated), medians.
 * @param {{ quick: boolean, log: (line: string) => void }} o
 */
export async function runFanout({ quick, log }) {
  const clients = 1000;
  const messages = quick ? 100 : 400;
  const rounds = quick ? 1 : 3;
  const groups = [
    ["ws", ["raw-ws", "lauren", "socket.io"]],
    ["sse", ["raw-sse", "lauren-sse"]],
  ];
  log(`fan-out: ${clients} clients, ${messages} messages, ${rounds} round(s)`);
  const rows = [];
  for (const [kind, names] of /** @type {[string, string[]][]} */ (groups)) {
    /** @type {Record<string, any[]>} */
    const runs = Object.fromEntries(names.map((n) => [n, []]));
    /** @type {Record<string, string>} */
    const problems = {};
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length];
        try {
          const r = await fanoutOnce(REALTIME[name], { clients, messages });
          runs[name].push(r);
          log(`  ${name.padEnd(12)} ${r.perSecond} deliveries/s  p50 ${r.p50} ms  p99 ${r.p99} ms  server CPU ${r.cpuUs} µs/delivery`);
        } catch (err) {
          problems[name] = err instanceof Error ? err.message : String(err);
          log(`  ${name.padEnd(12)} !! ${problems[name]}`);
        }
      }
    }
    const base = names[0];
    const med = (/** @type {string} */ n, /** @type {string} */ k) => median(runs[n].map((r) => r[k]));
    for (const name of names) {
      const perSecond = med(name, "perSecond");
      const cpuUs = med(name, "cpuUs");
      rows.push({
        kind,
        server: name,
        label: REALTIME[name].label,
        perSecond,
        perSecondMin: runs[name].length ? Math.min(...runs[name].map((r) => r.perSecond)) : null,
        perSecondMax: runs[name].length ? Math.max(...runs[name].map((r) => r.perSecond)) : null,
        ratio:
          perSecond && med(base, "perSecond") ? Math.round((perSecond / /** @type {number} */ (med(base, "perSecond"))) * 100) / 100 : null,
        p50: med(name, "p50"),
        p99: med(name, "p99"),
        cpuUs,
        cpuRatio: cpuUs && med(base, "cpuUs") ? Math.round((cpuUs / /** @type {number} */ (med(base, "cpuUs"))) * 100) / 100 : null,
        rounds: runs[name].length,
        problem: problems[name],
      });
    }
  }
  return { clients, messages, rounds, rows };
}

/** The soft limit on open files of this process (the servers inherit it). */
function openFileLimit() {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"));
  return m === null || m[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(m[1]);
}

/**
 * Memory per idle connection: a fresh server per server, RSS when idle, then idle connections
 * (WebSockets in the room, or SSE subscribers of the feed) added up to each count, RSS 1.5 s
 * after each step; bytes per connection = growth over idle / connections open.
 * @param {{ quick: boolean, log: (line: string) => void }} o
 */
export async function runConnections({ log }) {
  const counts = [1000, 5000];
  const most = counts[counts.length - 1];
  const limit = openFileLimit();
  log(`memory per idle connection: ${counts.join(" and ")} connections (open files allowed: ${limit})`);
  const rows = [];
  for (const [kind, names] of /** @type {[string, string[]][]} */ ([
    ["ws", ["raw-ws", "lauren"]],
    ["sse", ["raw-sse", "lauren-sse"]],
  ])) {
    for (const name of names) {
      const def = REALTIME[name];
      if (limit < 2 * most + 200) {
        const problem = `needs ${2 * most + 200} open files, ulimit -n is ${limit}: raise it (ulimit -n ${2 * most + 1000})`;
        for (const n of counts) rows.push({ kind, server: name, connections: n, problem });
        log(`  ${name.padEnd(12)} !! ${problem}`);
        continue;
      }
      const server = await startServer(def);
      /** @type {Client[]} */
      const clients = [];
      try {
        await sleep(1000);
        const rssIdle = rssKiB(server.pid);
        for (const n of counts) {
          /** @type {any} */
          const row = { kind, server: name, connections: n, rssIdle };
          try {
            clients.push(...(await openClients(def.kind, server.url, n - clients.length, 200)));
            await sleep(1500);
            row.rssOpen = rssKiB(server.pid);
            row.bytesPerConnection = Math.round(((row.rssOpen - rssIdle) * 1024) / n);
            log(`  ${name.padEnd(12)} ${n}: RSS ${rssIdle} -> ${row.rssOpen} KiB, ${row.bytesPerConnection} bytes per connection`);
          } catch (err) {
            row.problem = err instanceof Error ? err.message : String(err);
            log(`  ${name.padEnd(12)} ${n}: !! ${row.problem}`);
          }
          rows.push(row);
          if (row.problem) break;
        }
      } finally {
        for (const c of clients) c.close();
        await server.stop();
      }
    }
  }
  return { counts, rows };
}
