/**
 * The per-request context object. Every field is initialised in the constructor so all
 * contexts share one shape; cookies, query, tasks and state are created on first use.
 */
import type { Container, ModuleScope, RequestCache } from "../di/container.js";
import type { Class, InjectionToken } from "../di/token.js";
import { type Logger, silentLogger, withFields } from "../logging/index.js";
import { SessionConfigError } from "../sessions/index.js";
import type { AppSession, Ctx } from "./context.js";
import type { LaurenRequest, ParsedQuery } from "./request.js";
import { BackgroundTasks } from "./tasks.js";

/** What a context needs to know about its route; fixed at start-up. */
export interface ContextRoute {
  readonly label: string;
  readonly scope: ModuleScope;
  /** Why `ctx.session` is unavailable on this route, or null when sessions are on. */
  readonly sessionsOffReason: string | null;
  /** The app's logger, for `ctx.log`; absent on framework-internal routes (then silent). */
  readonly logger?: Logger;
}

const UNSET: unknown = Symbol("unset");

export class HandlerContext implements Ctx<Record<string, never>> {
  readonly request: LaurenRequest;
  body: unknown = undefined;
  params: Readonly<Record<string, string>>;
  #query: unknown = UNSET;
  #headers: unknown = UNSET;
  #session: AppSession | null = null;
  #tasks: BackgroundTasks | null = null;
  #state: Record<string, unknown> | null = null;
  #cache: RequestCache | null = null;
  readonly #route: ContextRoute;
  readonly #container: Container;

  constructor(request: LaurenRequest, params: Readonly<Record<string, string>>, route: ContextRoute, container: Container) {
    this.request = request;
    this.params = params;
    this.#route = route;
    this.#container = container;
  }

  get query(): ParsedQuery {
    return (this.#query === UNSET ? this.request.query : this.#query) as ParsedQuery;
  }
  set query(value: unknown) {
    this.#query = value;
  }

  get headers(): never {
    return (this.#headers === UNSET ? this.request.headers : this.#headers) as never;
  }
  set headers(value: unknown) {
    this.#headers = value;
  }

  get cookies(): Readonly<Record<string, string | undefined>> {
    return this.request.cookies;
  }

  get session(): AppSession {
    if (this.#session === null) {
      throw new SessionConfigError(
        `${this.#route.label} reads ctx.session, but ${this.#route.sessionsOffReason ?? "no session was loaded"}.`,
      );
    }
    return this.#session;
  }

  /** The loaded session, or null; for the framework (no error when absent). */
  get loadedSession(): AppSession | null {
    return this.#session;
  }
  set loadedSession(session: AppSession | null) {
    this.#session = session;
  }

  get tasks(): BackgroundTasks {
    this.#tasks ??= new BackgroundTasks();
    return this.#tasks;
  }

  /** Queued tasks, or null when the handler queued none; for the framework. */
  get queuedTasks(): BackgroundTasks | null {
    return this.#tasks;
  }

  /** The app's logger; once the request has an id (`requestId()`), every line carries it as `reqId`. */
  get log(): Logger {
    const base = this.#route.logger ?? silentLogger;
    const id = this.request.id;
    return id === null ? base : withFields(base, { reqId: id });
  }

  get state(): Record<string, unknown> {
    this.#state ??= {};
    return this.#state;
  }

  /** Shares middleware's `ctx.state` bag with guards and the handler; for the framework. */
  adoptState(state: Record<string, unknown>): void {
    this.#state = state;
  }

  resolve<T>(token: InjectionToken<T>): T {
    this.#cache ??= new Map();
    return this.#container.getForRequest(this.#route.scope, token, this.#cache, this.#route.label);
  }

  /** Everything built for this request alone (null when nothing was): what teardown looks at. */
  get requestInstances(): RequestCache | null {
    return this.#cache;
  }

  /** Builds a class that is not a provider (a request-scoped guard or controller) for this request only. */
  construct<T>(cls: Class<T>): T {
    this.#cache ??= new Map();
    return this.#container.construct(this.#route.scope, cls, { track: false, cache: this.#cache });
  }
}
