/**
 * What middleware receives: the request, the response-to-be and a per-request bag. One is
 * made per request that runs middleware (global, controller or route); the handler's
 * `ctx.state` is the same bag, so middleware can hand values to guards and handlers.
 */
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { RouteDescriptor } from "../guards/execution-context.js";
import type { ResponseEnv } from "../http/reply.js";
import type { LaurenRequest } from "../http/request.js";
import { type Logger, withFields } from "../logging/index.js";
import type { PendingResponse, ResponseView } from "./response.js";

export interface MiddlewareContext {
  readonly request: LaurenRequest;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The response to be: read it after `await next()`, or set default headers before. */
  readonly response: ResponseView;
  /** The request id (set by `requestId()`), or null. */
  requestId: string | null;
  /** Shared with guards and the handler (`ctx.state`). */
  readonly state: Record<string, unknown>;
  /** The app's logger; every line carries the request id once one is set. */
  readonly log: Logger;
  /** Whether the client reached the app over TLS (directly, or per `X-Forwarded-Proto` with `trustProxy`). */
  readonly secure: boolean;
  /** The route that would serve this path with `method` (GET, POST…), or null; for per-route policies. */
  routeFor(method: string): RouteDescriptor | null;
}

/** Whether the client reached the app over TLS: directly, or per `X-Forwarded-Proto` when proxies are trusted. */
export function isSecure(req: IncomingMessage, trustProxy: number): boolean {
  if ((req.socket as TLSSocket | undefined)?.encrypted === true) return true;
  if (trustProxy === 0) return false;
  const proto = req.headers["x-forwarded-proto"];
  const first = Array.isArray(proto) ? proto[0] : proto;
  return first !== undefined && first.split(",")[0]?.trim().toLowerCase() === "https";
}

export type RouteFinder = (method: string, path: string) => RouteDescriptor | null;

export class Exchange implements MiddlewareContext {
  readonly request: LaurenRequest;
  readonly response: PendingResponse;
  #state: Record<string, unknown> | null = null;
  readonly #logger: Logger;
  #log: Logger | null = null;
  readonly #trustProxy: number;
  readonly #find: RouteFinder;
  /** For writing a middleware's own response. */
  readonly env: ResponseEnv;

  constructor(request: LaurenRequest, response: PendingResponse, env: ResponseEnv, trustProxy: number, find: RouteFinder) {
    this.request = request;
    this.response = response;
    this.env = env;
    this.#logger = env.logger;
    this.#trustProxy = trustProxy;
    this.#find = find;
  }

  get method(): string {
    return this.request.method;
  }
  get path(): string {
    return this.request.path;
  }

  get requestId(): string | null {
    return this.request.id;
  }
  set requestId(id: string | null) {
    this.request.id = id;
    this.#log = null;
  }

  get state(): Record<string, unknown> {
    this.#state ??= {};
    return this.#state;
  }
  /** The bag if anyone made it, for the handler context to share. */
  get stateIfAny(): Record<string, unknown> | null {
    return this.#state;
  }

  get log(): Logger {
    const id = this.request.id;
    if (id === null) return this.#logger;
    this.#log ??= withFields(this.#logger, { reqId: id });
    return this.#log;
  }

  get secure(): boolean {
    return isSecure(this.request.raw, this.#trustProxy);
  }

  routeFor(method: string): RouteDescriptor | null {
    return this.#find(method.toUpperCase(), this.request.path);
  }
}
