import type { AppSession } from "../http/context.js";
import type { LaurenRequest } from "../http/request.js";

/** What a route looks like to a guard: fixed at start-up, shared by every request. */
export interface RouteDescriptor {
  readonly controller: abstract new (...args: never[]) => unknown;
  readonly controllerName: string;
  readonly handlerName: string;
  readonly method: string;
  /** The route template as declared, with the controller prefix: `/heroes/{id}`. */
  readonly route: string;
  readonly metadata: ReadonlyMap<string | symbol, unknown>;
}

/** What a guard or interceptor reads through: the handler's context (HTTP) or a message's (WebSocket). */
export interface ExecutionHost {
  readonly request: LaurenRequest;
  readonly session: AppSession;
  readonly state: Record<string, unknown>;
}

/**
 * The guard's (and interceptor's) view of one request. The session is the same object the handler will see,
 * so a guard can check it (or write to it) before the handler runs.
 */
export class ExecutionContext {
  readonly #ctx: ExecutionHost;
  readonly #route: RouteDescriptor;
  /** "http" for a route, "ws" for a WebSocket message. */
  readonly type: "http" | "ws";
  /** The WebSocket event being handled, or null for HTTP. */
  readonly event: string | null;

  constructor(ctx: ExecutionHost, route: RouteDescriptor, type: "http" | "ws" = "http", event: string | null = null) {
    this.#ctx = ctx;
    this.#route = route;
    this.type = type;
    this.event = event;
  }

  /** The handler's own context: `Ctx` for HTTP, `WsCtx` for WebSocket messages. */
  getContext<T = unknown>(): T {
    return this.#ctx as T;
  }

  get request(): LaurenRequest {
    return this.#ctx.request;
  }
  get session(): AppSession {
    return this.#ctx.session;
  }
  /** Per-request bag shared with the handler (`ctx.state`). */
  get state(): Record<string, unknown> {
    return this.#ctx.state;
  }
  get controller(): RouteDescriptor["controller"] {
    return this.#route.controller;
  }
  get controllerName(): string {
    return this.#route.controllerName;
  }
  get handlerName(): string {
    return this.#route.handlerName;
  }
  get method(): string {
    return this.#route.method;
  }
  get route(): string {
    return this.#route.route;
  }
  /** A value set with `@setMetadata(key, value)`; the method's value wins over the class's. */
  getMetadata<T = unknown>(key: string | symbol): T | undefined {
    return this.#route.metadata.get(key) as T | undefined;
  }
}
