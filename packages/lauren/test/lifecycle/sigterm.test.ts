/**
 * End to end: a real process (fixtures/slow-server.js) gets a real SIGTERM while a request
 * is in flight. The fixture's slow route finishes only when the test says so on stdin, and
 * the test waits for the process's own log lines, so every step happens in a known order.
 */
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { get as httpGet } from "node:http";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { DUPLICATE_SIGNAL_WINDOW_MS } from "../../src/app/signals.js";
import { freePort, tryConnect } from "./helpers.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/slow-server.js", import.meta.url));
const DEFAULT_DRAIN_MS = 10_000;

interface Running {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** Resolves once stdout has printed a line matching `pattern`. */
  printed(pattern: RegExp): Promise<void>;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startFixture(env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [FIXTURE], { env: { ...process.env, ...env, PORT: String(port) }, stdio: "pipe" });
  let out = "";
  let err = "";
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    for (const w of watchers.filter((w) => w.pattern.test(out))) {
      watchers.splice(watchers.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(out)) return resolve();
      watchers.push({ pattern, resolve });
      void exited.then(() => reject(new Error(`process exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`)));
    });
  const running = { child, port, printed, stdout: () => out, stderr: () => err, exited };
  await printed(/listening on http:\/\/127\.0\.0\.1:\d+/);
  return running;
}

/** GET over a fresh connection; resolves with status and body, or the error code. */
function request(port: number, path: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    httpGet({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    }).on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

describe("SIGTERM on a real process", { timeout: 30_000 }, () => {
  test("the in-flight request completes, new connections are refused, the process exits 0", async (t) => {
    const app = await startFixture();
    try {
      const slow = request(app.port, "/slow");
      await app.printed(/slow request started/);

      const sentAt = performance.now();
      app.child.kill("SIGTERM");
      // Printed right after the listener closed: connecting earlier could race the close.
      await app.printed(/stopped accepting connections; draining 1 request/);
      assert.equal(await tryConnect(app.port), "ECONNREFUSED", "no new connections once the signal is handled");

      app.child.stdin.write("finish\n");
      assert.deepEqual(await slow, { status: 200, body: '{"slow":"done"}' });
      const { code, signal } = await app.exited;
      const elapsed = performance.now() - sentAt;
      t.diagnostic(`exited ${Math.round(elapsed)} ms after SIGTERM (drain timeout ${DEFAULT_DRAIN_MS} ms)`);

      assert.equal(signal, null);
      assert.equal(code, 0, `stderr:\n${app.stderr()}`);
      assert.ok(elapsed < DEFAULT_DRAIN_MS, "exited within the drain timeout");
      const lines = app.stdout();
      assert.ok(lines.indexOf("slow request finished") < lines.indexOf("grid offline"), "pre-destruct ran after the drain");
      assert.match(lines, /shutdown complete/);
    } finally {
      app.child.kill("SIGKILL");
    }
  });

  test("a request that outlives the drain timeout is cut and the process still exits 0", async (t) => {
    const app = await startFixture({ SHUTDOWN_TIMEOUT: "300" });
    try {
      const slow = request(app.port, "/slow");
      await app.printed(/slow request started/);
      const sentAt = performance.now();
      app.child.kill("SIGTERM");
      const { code } = await app.exited;
      t.diagnostic(`exited ${Math.round(performance.now() - sentAt)} ms after SIGTERM (drain timeout 300 ms)`);
      assert.equal(code, 0, `stderr:\n${app.stderr()}`);
      assert.deepEqual(await slow, { error: "ECONNRESET" });
      assert.match(app.stderr(), /still running after 300 ms/);
      assert.match(app.stdout(), /grid offline/);
    } finally {
      app.child.kill("SIGKILL");
    }
  });

  test("a second SIGTERM while draining exits 1 at once", async () => {
    const app = await startFixture();
    try {
      const slow = request(app.port, "/slow");
      await app.printed(/slow request started/);
      app.child.kill("SIGTERM");
      await app.printed(/SIGTERM received/);
      await sleep(DUPLICATE_SIGNAL_WINDOW_MS + 50); // sooner, it would count as the same signal
      app.child.kill("SIGTERM");
      const { code } = await app.exited;
      assert.equal(code, 1);
      assert.deepEqual(await slow, { error: "ECONNRESET" });
      assert.doesNotMatch(app.stdout(), /grid offline/, "it did not wait for the drain");
    } finally {
      app.child.kill("SIGKILL");
    }
  });
});
