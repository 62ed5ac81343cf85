/**
 * The compiled app. It owns the dispatcher (shared by the HTTP server and the TestClient),
 * start-up and graceful shutdown; nothing here is decided per request.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { Container } from "../di/container.js";
import type { InjectionToken } from "../di/token.js";
import { tokenName } from "../di/token.js";
import {
  BadRequestError,
  type HttpError,
  LifecycleError,
  MissingProviderError,
  RequestHeaderFieldsTooLargeError,
  RequestTimeoutError,
} from "../errors/index.js";
import type { EventBus } from "../events/index.js";
import { writeRawError } from "../http/raw-error.js";
import { deferContinue } from "../http/request.js";
import { LaurenServerResponse } from "../http/server-response.js";
import type { CompiledModule } from "../modules/index.js";
import type { SessionEngine } from "../sessions/index.js";
import type { CompiledRoute } from "./compile-routes.js";
import type { Dispatcher } from "./dispatch.js";
import { runHooks, runWithTimeout } from "./lifecycle.js";
import type { Logger } from "./logger.js";
import type { ResolvedOptions } from "./options.js";
import { serveWithoutUpgrade } from "./upgrade-fallback.js";

/** Handles `Upgrade` requests (WebSockets); returns false when it does not own the path. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export interface AppParts {
  root: CompiledModule;
  modules: readonly CompiledModule[];
  container: Container;
  routes: readonly CompiledRoute[];
  dispatcher: Dispatcher;
  logger: Logger;
  options: ResolvedOptions;
  sessions: SessionEngine | null;
  events: EventBus;
}

export interface ListenOptions {
  port?: number;
  host?: string;
}

type State = "created" | "starting" | "started" | "stopping" | "stopped";

/** node:http limits, chosen deliberately (see docs/guides/deployment.md). */
export const SERVER_LIMITS = {
  /** Longer than common load-balancer idle timeouts (60 s), so the proxy closes first. */
  keepAliveTimeout: 72_000,
  /** Time allowed to receive a request's headers: short, against slow-header attacks (408 beyond). */
  headersTimeout: 15_000,
  /**
   * How often node checks the two timeouts above: a timeout fires up to this much late
   * (node's default, 30 s, let slow headers hang on for 45 s or more).
   */
  connectionsCheckingInterval: 5_000,
  /** Time allowed to receive a whole request (not the response: streams may run longer; 408 beyond). */
  requestTimeout: 120_000,
  /** Largest request head accepted (431 beyond). */
  maxHeaderSize: 16 * 1024,
} as const;

export class LaurenApplication {
  readonly #parts: AppParts;
  #state: State = "created";
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;
  #server: Server | null = null;
  readonly #shutdownHooks: (() => unknown)[] = [];
  readonly #upgradeHandlers: UpgradeHandler[] = [];

  constructor(parts: AppParts) {
    this.#parts = parts;
  }

  /** The node:http request listener, for `http.createServer(app.handler)` or any custom server. */
  get handler(): RequestListener {
    return this.#parts.dispatcher.handle;
  }

  get logger(): Logger {
    return this.#parts.logger;
  }

  /** Typed app events: `app.events.on("request", ({ status, durationMs }) => …)`. */
  get events(): EventBus {
    return this.#parts.events;
  }

  get routes(): readonly CompiledRoute[] {
    return this.#parts.routes;
  }

  /** The server `listen()` created, or null. */
  get server(): Server | null {
    return this.#server;
  }

  /** Internals for framework extensions (OpenAPI, WebSockets, the TestClient). */
  get parts(): AppParts {
    return this.#parts;
  }

  get isStarted(): boolean {
    return this.#state === "started";
  }

  /** Resolves a provider by token from anywhere in the app (handy in tests and scripts). */
  get<T>(token: InjectionToken<T>): T {
    const { container, root, modules } = this.#parts;
    if (container.lookup(root, token) !== undefined) return container.get(root, token, "app.get()");
    const owner = modules.find((m) => m.providers.has(token));
    if (owner === undefined) throw new MissingProviderError(`app.get(${tokenName(token)}): no module provides it.`);
    return container.get(owner, token, "app.get()");
  }

  addUpgradeHandler(handler: UpgradeHandler): void {
    this.#upgradeHandlers.push(handler);
  }

  /**
   * For a server you created yourself: `server.on("upgrade", app.upgradeHandler)` serves the
   * app's WebSocket gateways; an upgrade to any other path is answered as a plain request
   * (an unknown path gets the usual 404 envelope), and the connection closes after it.
   */
  readonly upgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    for (const handler of this.#upgradeHandlers) if (handler(req, socket, head)) return;
    serveWithoutUpgrade(req, socket, head, this.handler, this.#parts.options.maxBodySize);
  };

  /**
   * Serves the app on a node:http server you created (HTTPS, a shared server, tests):
   * requests, `Expect: 100-continue` (answered only when a handler reads the body),
   * WebSocket upgrades, and requests node's parser refuses or times out (400, 408, 431 with
   * the JSON envelope). `listen()` does this for the server it creates.
   */
  attach(server: Server): void {
    server.on("request", this.handler);
    server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
      deferContinue(req, res);
      this.handler(req, res);
    });
    server.on("upgrade", this.upgradeHandler);
    server.on("clientError", answerClientError);
  }

  /** Runs `@postConstruct` hooks. `listen()` and the TestClient call it for you. */
  async startup(): Promise<void> {
    if (this.#state !== "created") {
      throw new LifecycleError(`startup() runs once per app, and this app is already ${this.#state}.`);
    }
    this.#state = "starting";
    this.#starting = runHooks(this.#parts.container.built, "postConstruct", this.#parts.options.hookTimeout, this.#parts.logger).then(
      () => {
        this.#state = "started";
        this.#parts.events.emit("startup", { at: new Date() });
      },
    );
    await this.#starting;
  }

  /** Starts the app unless it already is (or is starting). */
  async ensureStarted(): Promise<void> {
    if (this.#state === "created") await this.startup();
    else if (this.#state === "starting") await this.#starting;
  }

  async listen(options: ListenOptions = {}): Promise<{ url: string; port: number; host: string }> {
    await this.ensureStarted();
    if (this.#stopping !== null) throw new LifecycleError("listen() after shutdown(): build a new app to serve again.");
    if (this.#server !== null) throw new LifecycleError("listen() was already called; an app serves one server.");
    const host = options.host ?? "127.0.0.1";
    const server: Server = createServer({
      // Its writeHead merges the prelude's default headers; typed as node's own, which it extends.
      ServerResponse: LaurenServerResponse as typeof ServerResponse,
      maxHeaderSize: SERVER_LIMITS.maxHeaderSize,
      connectionsCheckingInterval: SERVER_LIMITS.connectionsCheckingInterval,
    });
    server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeout;
    server.headersTimeout = SERVER_LIMITS.headersTimeout;
    server.requestTimeout = SERVER_LIMITS.requestTimeout;
    this.attach(server);
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 8000, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    for (const route of this.#parts.routes) this.logger.info(`mapped ${route.contextRoute.label}`);
    this.logger.info(`listening on ${url}`);
    return { url, port, host };
  }

  /**
   * Registers work to run during shutdown, after in-flight requests drained and before
   * `@preDestruct` hooks. Callbacks run last-registered first (like `defer`), each bounded
   * by `hookTimeout`; one that fails or hangs is logged and the rest still run.
   */
  onShutdown(fn: () => unknown): void {
    this.#shutdownHooks.push(fn);
  }

  /**
   * Graceful shutdown: stop accepting connections, answer 503 on kept-alive sockets, end
   * streams, wait for in-flight requests and background tasks (up to `shutdownTimeout`),
   * then run `onShutdown` callbacks and `@preDestruct` hooks. Calling it again returns the
   * same promise, so every caller resolves only once the app has really stopped.
   */
  shutdown(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    // Shutdown racing start-up waits for it, so @preDestruct never overtakes @postConstruct.
    if (this.#state === "starting") await this.#starting;
    this.#state = "stopping";
    const { dispatcher, options, logger } = this.#parts;
    dispatcher.draining = true;
    const closed = this.#server === null ? Promise.resolve() : new Promise<void>((r) => this.#server?.close(() => r()));
    this.#server?.closeIdleConnections();
    dispatcher.shutdown.abort();
    logger.info(
      `shutdown: stopped accepting connections; draining ${dispatcher.inFlight} request(s) and ` +
        `${dispatcher.pendingTasks.size} task(s) for up to ${options.shutdownTimeout} ms`,
    );
    const drained = await withTimeout(dispatcher.idle(), options.shutdownTimeout);
    if (!drained) logger.warn(`shutdown: requests or tasks still running after ${options.shutdownTimeout} ms; closing anyway`);
    for (const fn of [...this.#shutdownHooks].reverse()) {
      try {
        await runWithTimeout(fn, `onShutdown callback ${fn.name || "<anonymous>"}`, options.hookTimeout);
      } catch (error) {
        logger.error("onShutdown callback failed", { error });
      }
    }
    await runHooks(this.#parts.container.built, "preDestruct", options.hookTimeout, logger);
    this.#parts.sessions?.close();
    this.#server?.closeAllConnections();
    // Upgraded sockets are not node:http's to close; a leftover one must not hang the exit.
    if (!(await withTimeout(closed, CLOSE_GRACE_MS))) logger.warn("shutdown: some sockets were still open; not waiting for them");
    this.#state = "stopped";
    logger.info("shutdown complete");
    this.#parts.events.emit("shutdown", { at: new Date() });
  }

  /** Same as `shutdown()`. */
  close(): Promise<void> {
    return this.shutdown();
  }
}

/**
 * node:http's parser refused a request, or it came too slowly: answer with the envelope
 * when nothing has been written on the socket yet, else just close it.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || response?.headersSent === true) {
    socket.destroy();
    return;
  }
  writeRawError(socket, clientErrorFor(err.code));
}

function clientErrorFor(code: string | undefined): HttpError {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return new RequestTimeoutError("the request took too long to arrive");
  if (code === "HPE_HEADER_OVERFLOW") {
    return new RequestHeaderFieldsTooLargeError(`request headers exceed ${SERVER_LIMITS.maxHeaderSize} bytes`, {
      max_header_size: SERVER_LIMITS.maxHeaderSize,
    });
  }
  return new BadRequestError("malformed HTTP request");
}

/** How long shutdown waits for the server to report every socket closed, after closing them. */
const CLOSE_GRACE_MS = 1_000;

async function withTimeout(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    // Not unref'd: when the drain waits on a task that awaits nothing alive, this timer is
    // what keeps the process up until shutdown can finish and run @preDestruct.
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
