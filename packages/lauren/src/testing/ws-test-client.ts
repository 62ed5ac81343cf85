/**
 * WebSocket test client. A WebSocket needs a real socket, so it serves the app on
 * 127.0.0.1 with an ephemeral port (or reuses the server `app.listen()` started) and
 * connects with the `ws` client. Messages are queued so a test can `await receive()` them
 * in order; every wait has a timeout, so a missing message fails the test instead of hanging.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocket } from "ws";
import type { LaurenApplication } from "../app/application.js";

export interface WsConnectOptions {
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  /** Sent as the `Origin` header. */
  origin?: string;
}

export interface WsTestClientOptions {
  /** Milliseconds to wait for the handshake and for each message. Default 2000. */
  timeout?: number;
}

/** The server refused the upgrade: its HTTP status, headers and body. */
export class WsHandshakeError extends Error {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;

  constructor(status: number, headers: IncomingHttpHeaders, body: string) {
    super(`WebSocket upgrade refused with ${status}: ${body}`);
    this.name = "WsHandshakeError";
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests read bodies loosely unless they ask for a type
  json<T = any>(): T {
    return JSON.parse(this.body) as T;
  }
}

export interface CloseResult {
  readonly code: number;
  readonly reason: string;
}

export class TestWebSocket {
  /** The underlying `ws` client, for what this wrapper does not cover (binary frames, pings). */
  readonly raw: WebSocket;
  /** Settles when the connection closed, with the close code and reason. */
  readonly closed: Promise<CloseResult>;
  readonly #timeout: number;
  readonly #inbox: string[] = [];
  readonly #waiters: ((text: string | null) => void)[] = [];
  #closeResult: CloseResult | null = null;

  constructor(raw: WebSocket, timeout: number) {
    this.raw = raw;
    this.#timeout = timeout;
    raw.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const text = isBinary ? "" : Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) waiter(text);
      else this.#inbox.push(text);
    });
    this.closed = new Promise((resolve) => {
      raw.once("close", (code: number, reason: Buffer) => {
        this.#closeResult = { code, reason: reason.toString("utf8") };
        for (const waiter of this.#waiters.splice(0)) waiter(null);
        resolve(this.#closeResult);
      });
    });
    // Errors (a refused frame, a reset) end in 'close'; without a listener they would throw.
    raw.on("error", () => undefined);
  }

  send(text: string): void {
    this.raw.send(text);
  }

  sendJson(value: unknown): void {
    this.raw.send(JSON.stringify(value));
  }

  /** The next text message; rejects after `timeout` ms or when the connection closes first. */
  receive(timeout = this.#timeout): Promise<string> {
    const queued = this.#inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#closeResult !== null) return Promise.reject(closedError(this.#closeResult));
    return new Promise((resolve, reject) => {
      const waiter = (text: string | null): void => {
        clearTimeout(timer);
        if (text === null) reject(closedError(this.#closeResult as CloseResult));
        else resolve(text);
      };
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i !== -1) this.#waiters.splice(i, 1);
        reject(new Error(`no WebSocket message within ${timeout} ms`));
      }, timeout);
      this.#waiters.push(waiter);
    });
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests read frames loosely unless they ask for a type
  async receiveJson<T = any>(timeout?: number): Promise<T> {
    return JSON.parse(await this.receive(timeout)) as T;
  }

  /** Starts the closing handshake; `await ws.closed` to see it finish. */
  close(code?: number, reason?: string): void {
    this.raw.close(code, reason);
  }
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function closedError(result: CloseResult): Error {
  return new Error(
    `the WebSocket closed (code ${result.code}${result.reason === "" ? "" : `, "${result.reason}"`}) before a message arrived`,
  );
}

export class WsTestClient {
  readonly app: LaurenApplication;
  readonly #timeout: number;
  #server: Server | null = null;
  #base: Promise<string> | null = null;
  readonly #sockets = new Set<Socket>();
  readonly #clients = new Set<TestWebSocket>();

  constructor(app: LaurenApplication, options: WsTestClientOptions = {}) {
    this.app = app;
    this.#timeout = options.timeout ?? 2000;
  }

  /** Opens a WebSocket to `path`; rejects with WsHandshakeError when the server refuses it. */
  async connect(path: string, options: WsConnectOptions = {}): Promise<TestWebSocket> {
    this.#base ??= this.#start();
    const base = await this.#base;
    const headers: Record<string, string> = { ...options.headers };
    const cookies = Object.entries(options.cookies ?? {});
    if (cookies.length > 0) headers.cookie = cookies.map(([name, value]) => `${name}=${value}`).join("; ");
    const raw = new WebSocket(`${base}${path}`, {
      headers,
      handshakeTimeout: this.#timeout,
      ...(options.origin === undefined ? {} : { origin: options.origin }),
    });
    const client = new TestWebSocket(raw, this.#timeout);
    await new Promise<void>((resolve, reject) => {
      raw.once("open", () => resolve());
      raw.once("error", reject);
      raw.once("unexpected-response", (req, res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => {
          req.destroy();
          reject(new WsHandshakeError(res.statusCode ?? 0, res.headers, body));
        });
      });
    });
    this.#clients.add(client);
    client.closed.then(() => this.#clients.delete(client));
    return client;
  }

  /** Closes every connection this client opened and the server it started. */
  async close(): Promise<void> {
    for (const client of this.#clients) {
      client.raw.resume();
      client.raw.terminate();
    }
    // Bounded: a broken peer must fail the test that made it, not hang the teardown.
    await withTimeout(Promise.all([...this.#clients].map((c) => c.closed)), this.#timeout);
    const server = this.#server;
    this.#server = null;
    this.#base = null;
    if (server === null) return;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #start(): Promise<string> {
    await this.app.ensureStarted();
    const existing = this.app.server?.address();
    if (existing !== null && existing !== undefined && typeof existing === "object") {
      const wildcard = existing.address === "0.0.0.0" || existing.address === "::";
      const host = wildcard ? "127.0.0.1" : existing.address.includes(":") ? `[${existing.address}]` : existing.address;
      return `ws://${host}:${existing.port}`;
    }
    const server = createServer();
    this.app.attach(server);
    server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once("close", () => this.#sockets.delete(socket));
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
}
