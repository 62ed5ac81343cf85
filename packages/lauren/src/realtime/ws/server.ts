/**
 * Serves the app's gateways on the HTTP server's 'upgrade' event. Before the handshake it
 * checks, in order: the handshake's own headers (handshake.ts), the Origin allowlist, the session (loaded read-only from the cookie)
 * and the guards; a refusal is an ordinary HTTP error response on the socket. After it,
 * each connection gets its own gateway instance and a ConnectionRunner.
 */
import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../../app/logger.js";
import type { ResolvedOptions } from "../../app/options.js";
import type { Container } from "../../di/container.js";
import { ForbiddenError, type HttpError, ServiceUnavailableError, toHttpError } from "../../errors/index.js";
import type { AppSession } from "../../http/context.js";
import { HandlerContext } from "../../http/handler-context.js";
import { LaurenRequest } from "../../http/request.js";
import { admit } from "../../pipeline/admission.js";
import type { Router } from "../../routing/index.js";
import { SESSION_ENDED_CLOSE_CODE, type SessionEngine } from "../../sessions/index.js";
import type { CompiledGateway } from "./compile.js";
import { WebSocketConnection } from "./connection.js";
import { readonlySession } from "./context.js";
import { handshakeError, offersWebSocket, refuseMalformed } from "./handshake.js";
import { originAllowed } from "./origin.js";
import { refuse } from "./refuse.js";
import { ConnectionRunner } from "./runner.js";

export interface WsServerDeps {
  router: Router<CompiledGateway>;
  gateways: readonly CompiledGateway[];
  container: Container;
  logger: Logger;
  sessions: SessionEngine | null;
  options: ResolvedOptions;
}

/** How long closing sockets get to finish their handshake at shutdown before they are cut. */
const CLOSE_GRACE_MS = 1000;

const ignore = (): void => undefined;

/** ws is loaded by the first app that has a gateway: an app without one starts without it. */
function loadWebSocketServer(): typeof WebSocketServer {
  return (createRequire(import.meta.url)("ws") as typeof import("ws")).WebSocketServer;
}

export class WsServer {
  readonly #deps: WsServerDeps;
  readonly #wss = new Map<CompiledGateway, WebSocketServer>();
  readonly #live = new Map<CompiledGateway, Set<ConnectionRunner>>();
  readonly #beats = new Map<CompiledGateway, NodeJS.Timeout>();
  #draining = false;

  constructor(deps: WsServerDeps) {
    this.#deps = deps;
    const WebSocketServer = loadWebSocketServer();
    for (const gateway of deps.gateways) {
      const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: gateway.maxPayload, perMessageDeflate: false });
      wss.on("wsClientError", refuseMalformed);
      this.#wss.set(gateway, wss);
      this.#live.set(gateway, new Set());
    }
  }

  /** The app's upgrade hook: claims the request when a gateway serves its path. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const match = this.#deps.router.lookup("GET", path);
    if (match === null || !offersWebSocket(req)) return false;
    const gateway = match.route;
    // Until ws owns the socket, a reset by the client must not become an uncaught 'error'.
    socket.on("error", ignore);
    this.#admit(gateway, req, socket, head, path, q === -1 ? "" : url.slice(q + 1), match.params).catch((error: unknown) => {
      this.#deps.logger.error(`${gateway.label}: upgrade failed`, { error });
      refuse(socket, toHttpError(error).error);
    });
    return true;
  };

  async #admit(
    gateway: CompiledGateway,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    path: string,
    rawQuery: string,
    params: Readonly<Record<string, string>>,
  ): Promise<void> {
    if (this.#draining) {
      refuse(socket, new ServiceUnavailableError("server is shutting down", {}, { headers: { "retry-after": "1" } }));
      return;
    }
    const malformed = handshakeError(req);
    if (malformed !== null) {
      refuse(socket, malformed);
      return;
    }
    const { options, container, sessions } = this.#deps;
    if (!originAllowed(gateway.allowedOrigins, req.headers, options.trustProxy > 0)) {
      refuse(socket, new ForbiddenError("origin not allowed", { origin: req.headers.origin ?? null }));
      return;
    }
    const request = new LaurenRequest(req, path, rawQuery, options.maxBodySize, options.trustProxy);
    const ctx = new HandlerContext(request, params, gateway.contextRoute, container);
    let session: AppSession | null = null;
    try {
      session = await admit(gateway, ctx, sessions, req.headers.cookie);
    } catch (thrown) {
      const { error, unexpected } = toHttpError(thrown);
      if (unexpected) this.#deps.logger.error(`${gateway.label}: upgrade refused by an unexpected error`, { error: thrown });
      refuse(socket, error as HttpError);
      return;
    }
    if (socket.destroyed || !socket.writable) return;
    socket.off("error", ignore);
    (this.#wss.get(gateway) as WebSocketServer).handleUpgrade(req, socket, head, (ws) => {
      this.#open(gateway, ws, request, session, params, path);
    });
  }

  #open(
    gateway: CompiledGateway,
    ws: WebSocket,
    request: LaurenRequest,
    session: AppSession | null,
    params: Readonly<Record<string, string>>,
    path: string,
  ): void {
    const connection = new WebSocketConnection(ws, path, params, gateway.maxBufferedBytes);
    if (this.#draining) {
      connection.close(1001, "server shutting down");
      return;
    }
    let instance: object;
    try {
      instance = this.#deps.container.construct(gateway.module, gateway.cls, { track: false, cache: new Map() }) as object;
    } catch (error) {
      this.#deps.logger.error(`${gateway.label}: could not build the gateway`, { error });
      connection.close(1011, "internal error");
      return;
    }
    const scope = {
      ws: connection,
      request,
      session: session === null ? null : readonlySession(session),
      sessionsOffReason: `${gateway.label} reads ctx.session, but ${gateway.contextRoute.sessionsOffReason ?? "no session was loaded"}.`,
    };
    const runner = new ConnectionRunner(gateway, ws, scope, instance, this.#deps.logger, this.#deps.options.maxJsonDepth);
    const live = this.#live.get(gateway) as Set<ConnectionRunner>;
    live.add(runner);
    this.#startBeat(gateway, live);
    // The connection ends with its session: logout, regenerated, revoked, expired (sessions guide).
    const unwatch =
      session === null
        ? null
        : (this.#deps.sessions as SessionEngine).watch(session, (reason) =>
            connection.close(SESSION_ENDED_CLOSE_CODE, `session ended: ${reason}`),
          );
    runner.finished.then(() => {
      unwatch?.();
      live.delete(runner);
      if (live.size === 0) this.#stopBeat(gateway);
    });
    runner.start();
  }

  /** One unref'd timer per gateway, only while it has connections. */
  #startBeat(gateway: CompiledGateway, live: Set<ConnectionRunner>): void {
    if (gateway.heartbeat === null || this.#beats.has(gateway)) return;
    const timer = setInterval(() => {
      for (const runner of live) runner.heartbeat();
    }, gateway.heartbeat);
    timer.unref();
    this.#beats.set(gateway, timer);
  }

  #stopBeat(gateway: CompiledGateway): void {
    const timer = this.#beats.get(gateway);
    if (timer !== undefined) clearInterval(timer);
    this.#beats.delete(gateway);
  }

  /** Shutdown, step one: refuse new upgrades and ask every client to leave (1001 "going away"). */
  beginShutdown(): void {
    this.#draining = true;
    for (const live of this.#live.values()) for (const runner of live) runner.connection.close(1001, "server shutting down");
  }

  /** Shutdown, step two: wait briefly for the closing handshakes, cut what remains, run `@onDisconnect`. */
  async closeAll(graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.beginShutdown();
    const runners = [...this.#live.values()].flatMap((live) => [...live]);
    const all = Promise.all(runners.map((r) => r.finished));
    if (!(await settlesWithin(all, graceMs))) {
      for (const runner of runners) runner.connection.terminate();
      await settlesWithin(all, graceMs);
    }
    for (const gateway of this.#beats.keys()) this.#stopBeat(gateway);
  }
}

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
