/**
 * Tutorial step 9: the power grid's lifecycle hooks, the /status/ health check, and the
 * production entry point shutting down cleanly on SIGTERM.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer, get as httpGet } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { InMemorySessionStore } from "lauren";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";
import { PowerGrid } from "../src/operations.js";

const SECRET = "operations-test-secret-that-is-32-bytes-long";

/** A session store that can be switched off, like a Redis that went away. */
class FlakyStore extends InMemorySessionStore {
  down = false;
  override load(id: string): Promise<Record<string, unknown> | null> {
    return this.down ? Promise.reject(new Error("store unreachable")) : super.load(id);
  }
}

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** A port nothing listens on right now: bound to 0, then released. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts Hero HQ as a real process (in its own process group, so `kill()` can clean up
 * even a grandchild) and resolves once it is listening.
 */
async function serve(command: string, args: string[], cwd?: string) {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: "127.0.0.1" };
  const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // "close" comes once the output pipes are drained too, so everything printed has arrived.
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  let output = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (output.includes("listening on")) resolve();
    });
    void exited.then(() => reject(new Error(`${command} exited before listening:\n${output}`)));
  });
  return {
    port,
    pid: child.pid as number,
    exited,
    closed,
    output: () => output,
    kill: () => {
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        // the whole group is already gone
      }
    },
  };
}

function getText(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    httpGet({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    }).on("error", reject);
  });
}

describe("HQ operations", { timeout: 20_000 }, () => {
  test("/status/ says HQ is warming up when start-up has not run", async () => {
    // app.handler dispatches without starting the app, so @postConstruct has not run.
    const app = buildApp({ logger: false });
    const server = createServer(app.handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      assert.deepEqual(await getText(port, "/status/"), { status: 200, text: '{"hq":"warming up","grid":false}' });
      assert.equal(app.get(PowerGrid).online, false);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test("after shutdown a request gets the service_unavailable envelope", async () => {
    const app = buildApp({ logger: false });
    const client = new TestClient(app);
    await app.shutdown();
    const after = await client.get("/status/");
    assert.equal(after.status, 503);
    assert.equal(after.text, '{"error":{"code":"service_unavailable","message":"server is shutting down","detail":{}}}');
    assert.equal(after.header("connection"), "close");
  });

  test("/status/ keeps answering while the session store is down", async () => {
    const store = new FlakyStore();
    const app = buildApp({ logger: false, sessions: { secret: SECRET, secure: false, store } });
    const client = new TestClient(app, { cookieJar: true });
    await client.withSession({ hero_id: 1, name: "Volt" });
    store.down = true;
    const me = await client.get("/me/");
    assert.equal(me.status, 503, "a route that uses the session fails closed");
    assert.equal(me.json().error.code, "session_store_unavailable");
    const status = await client.get("/status/");
    assert.equal(status.status, 200, "the health check does not touch the session");
    assert.equal(status.text, '{"hq":"online","grid":true}');
  });

  test("main.js serves /status/ and exits 0 on SIGTERM", async () => {
    const hq = await serve(process.execPath, [fileURLToPath(new URL("../src/main.js", import.meta.url))]);
    try {
      assert.deepEqual(await getText(hq.port, "/status/"), { status: 200, text: '{"hq":"online","grid":true}' });
      process.kill(hq.pid, "SIGTERM");
      assert.equal(await hq.exited, 0, hq.output());
      await hq.closed;
      assert.match(hq.output(), /shutdown complete/);
    } finally {
      hq.kill();
    }
  });

  test("main.js also starts when run through a symlink, as from a `current` release link", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hero-hq-"));
    const link = join(dir, "main.js");
    symlinkSync(fileURLToPath(new URL("../src/main.js", import.meta.url)), link);
    const hq = await serve(process.execPath, [link]).finally(() => rmSync(dir, { recursive: true, force: true }));
    try {
      assert.deepEqual(await getText(hq.port, "/status/"), { status: 200, text: '{"hq":"online","grid":true}' });
      process.kill(hq.pid, "SIGTERM");
      assert.equal(await hq.exited, 0, hq.output());
    } finally {
      hq.kill();
    }
  });

  test("SIGTERM to `npm start` reaches the app: it shuts down and npm exits 0", async () => {
    // npm runs the script through a shell; unless that shell hands its process over to node
    // (exec), the signal stops at the shell and the app keeps serving as an orphan.
    const hq = await serve("npm", ["start", "--ignore-scripts", "--silent"], REPO_ROOT);
    try {
      process.kill(hq.pid, "SIGTERM");
      assert.equal(await hq.exited, 0, hq.output());
      await hq.closed;
      assert.match(hq.output(), /SIGTERM received/);
      assert.equal(await getText(hq.port, "/status/").catch((e: NodeJS.ErrnoException) => e.code), "ECONNREFUSED");
    } finally {
      hq.kill();
    }
  });
});
