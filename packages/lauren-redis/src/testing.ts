/**
 * Helpers for testing against a real Redis (this package's tests use them, and so can an
 * app's): a PING probe, and a private redis-server on a free port that a test may stop,
 * restart, freeze and thaw without touching any other Redis on the machine.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** PING over a raw socket, so checking costs no client and no reconnect loop. */
export function ping(port: number, timeout = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeout, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

const reachable = await ping(6379);
const hasServer = spawnSync("redis-server", ["--version"]).status === 0;

/** For `describe(name, { skip: needsRedis }, …)`: false when Redis answers or under CI (which then fails). */
export const needsRedis: false | string =
  reachable || process.env.CI ? false : "no Redis at 127.0.0.1:6379: start one (redis-server) to run the Redis tests";

/** Same for tests that start their own redis-server. */
export const needsRedisServer: false | string =
  hasServer || process.env.CI ? false : "redis-server not installed: apt-get install redis-server to run the Redis failure tests";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A redis-server of this test's own, on a free port, without persistence; `stop`/`start` only touch it. */
export class PrivateRedis {
  #process: ChildProcess | null = null;
  #dir: string | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort());
    try {
      await server.start();
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.#process?.pid ?? -1;
  }

  async start(): Promise<void> {
    // Its own directory, so `stop()` can save the data set and `start()` load it again.
    this.#dir ??= mkdtempSync(path.join(tmpdir(), "lauren-redis-"));
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.#dir];
    const child = spawn("redis-server", args, { stdio: "ignore" });
    this.#process = child;
    // However the test process ends (a failed assertion, an uncaught error), the server goes with it.
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    process.once("exit", kill);
    let failure: Error | null = null;
    child.once("error", (error) => {
      failure = new Error(`redis-server could not be started: ${error.message} (apt-get install redis-server)`);
    });
    child.once("exit", (code, signal) => {
      process.removeListener("exit", kill);
      failure ??= new Error(`redis-server on port ${this.port} exited (${code ?? signal})`);
    });
    try {
      await waitFor(async () => {
        if (failure !== null) throw failure;
        return ping(this.port, 200);
      }, `redis-server answers on port ${this.port}`);
    } catch (error) {
      kill();
      this.#process = null;
      throw error;
    }
  }

  /** Stops the server: `SHUTDOWN SAVE` keeps the data for the next `start()`, as a restarted production Redis would. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (child === null) return;
    this.#process = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const socket = new Socket();
    socket.on("error", () => undefined);
    socket.connect(this.port, "127.0.0.1", () => socket.write("SHUTDOWN SAVE\r\n"));
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
    socket.destroy();
  }

  /** Stops the server and removes its directory (safe to call more than once, and after a failed start). */
  async dispose(): Promise<void> {
    try {
      this.resume();
      await this.stop();
    } finally {
      if (this.#dir !== null) rmSync(this.#dir, { recursive: true, force: true });
      this.#dir = null;
    }
  }

  /** Freezes the server (SIGSTOP) so commands hang, as on a stuck Redis; `resume()` thaws it. */
  pause(): void {
    this.#process?.kill("SIGSTOP");
  }

  resume(): void {
    this.#process?.kill("SIGCONT");
  }
}
