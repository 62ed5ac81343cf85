/**
 * Shared pieces for the lifecycle tests: a logger that records what it is told, promises
 * the test settles by hand (so "slow" means "until the test says so", never a timer), and a
 * raw HTTP/1.1 client that shows exactly which socket a request travels on.
 */
import { createServer } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import type { Logger } from "../../src/index.js";

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown> | undefined;
}

export function recordingLogger(): { logger: Logger; lines: LogLine[]; errors: () => string[]; warnings: () => string[] } {
  const lines: LogLine[] = [];
  const logger: Logger = {
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
  const of = (level: LogLine["level"]) => () => lines.filter((l) => l.level === level).map((l) => l.message);
  return { logger, lines, errors: of("error"), warnings: of("warn") };
}

/** The message of the error a log line carries in its `error` field ("" when none). */
export function loggedError(line: LogLine | undefined): string {
  const error = line?.fields?.error;
  return error instanceof Error ? error.message : "";
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  settled: () => boolean;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let done = false;
  const promise = new Promise<T>((r) => {
    resolve = (value) => {
      done = true;
      r(value);
    };
  });
  return { promise, resolve, settled: () => done };
}

/** Lets every already-queued callback (timers at 0, I/O, microtasks) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));
}

/** A port nothing listens on right now: bound to 0, then released. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves with the connect error's code, or "connected" (then closes the socket). */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One keep-alive HTTP/1.1 connection driven by hand. Responses are read in order; each
 * must carry content-length (every Lauren response without a stream does).
 */
export class RawConnection {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #closed = false;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    this.closed = new Promise((resolve) => {
      socket.once("close", () => {
        this.#closed = true;
        this.#wake();
        resolve();
      });
    });
    socket.on("error", () => {});
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  send(method: string, path: string): void {
    this.socket.write(`${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
  }

  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.#parse();
      if (parsed !== null) return parsed;
      if (this.#closed) throw new Error(`connection closed before a full response (got ${JSON.stringify(this.#buffer.toString())})`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #parse(): RawResponse | null {
    const end = this.#buffer.indexOf("\r\n\r\n");
    if (end === -1) return null;
    const [statusLine = "", ...lines] = this.#buffer.subarray(0, end).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers["content-length"] ?? 0);
    if (this.#buffer.length < end + 4 + length) return null;
    const body = this.#buffer.subarray(end + 4, end + 4 + length).toString("utf8");
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    return { status: Number(statusLine.split(" ")[1]), headers, body };
  }
}
