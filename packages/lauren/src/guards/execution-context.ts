import type { AppSession } from "../http/context.js";
import type { HandlerContext } from "../http/handler-context.js";
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

/**
 * The guard's view of one request. The session is the same object the handler will see,
 * so a guard can check it (or write to it) before the handler runs.
 */
export class ExecutionContext {
  readonly #ctx: HandlerContext;
  readonly #route: RouteDescriptor;

  constructor(ctx: HandlerContext, route: RouteDescriptor) {
    this.#ctx = ctx;
    this.#route = route;
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
