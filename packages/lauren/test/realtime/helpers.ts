/** Shared helpers for the realtime tests: real HTTP clients, a recording logger, polling. */
import { type ClientRequest, type IncomingMessage, request } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Logger } from "../../src/index.js";

export interface LogEntry {
  level: "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps what it is told, so tests can assert on it. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const log = (level: LogEntry["level"]) => (message: string, fields?: Record<string, unknown>) => {
    entries.push({ level, message, fields });
  };
  return { entries, info: log("info"), warn: log("warn"), error: log("error") };
}

/** Polls `check` until it holds; fails with `what` after `timeout` ms (a guard against hangs, not a speed test). */
export async function waitUntil(check: () => boolean, what: string, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface OpenStream {
  readonly req: ClientRequest;
  readonly res: IncomingMessage;
  /** Everything received so far. */
  text(): string;
  /** Resolves once the received text satisfies `check`. */
  until(check: (text: string) => boolean, what: string): Promise<string>;
  /** Resolves when the response ended (true) or was cut (false). */
  readonly ended: Promise<boolean>;
}

/** Opens a GET on a fresh connection (no agent, so aborting it really closes the socket). */
export function openStream(port: number, path: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      const ended = new Promise<boolean>((done) => {
        res.once("end", () => done(true));
        res.once("aborted", () => done(false));
        res.once("error", () => done(false));
      });
      resolve({
        req,
        res,
        text: () => text,
        until: async (check, what) => {
          await waitUntil(() => check(text), what);
          return text;
        },
        ended,
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** node's garbage collector, reachable without --expose-gc (flag set at run time). */
export function gcFunction(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Several GC passes with turns of the event loop between them, so finalizers and weak refs settle. */
export async function collectGarbage(): Promise<void> {
  const gc = gcFunction();
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
