/**
 * The per-request context object. Every field is initialised in the constructor so all
 * contexts share one shape; cookies, query, tasks and state are created on first use.
 */

import { CookieKit, type CookieOptions } from "../cookies/index.js";
import type { Container, ModuleScope, RequestCache } from "../di/container.js";
import type { Class, InjectionToken } from "../di/token.js";
import { UploadBatch } from "../forms/index.js";
import { type Logger, silentLogger, withFields } from "../logging/index.js";
import { SessionConfigError } from "../sessions/index.js";
import type { AppSession, ClearCookieOptions, Ctx } from "./context.js";
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
  /** The app's cookie settings (defaults, signing keys); framework routes have none. */
  readonly cookieKit?: CookieKit;
}

const NO_COOKIE_KIT = new CookieKit({}, null);

const UNSET: unknown = Symbol("unset");

export class HandlerContext implements Ctx<Record<string, never>> {
  readonly request: LaurenRequest;
  body: unknown = undefined;
  params: Readonly<Record<string, string>>;
  form: unknown = undefined;
  /** Temporary upload files of this request, or null; removed when the request is over. */
  uploads: UploadBatch | null = null;
  #query: unknown = UNSET;
  #cookies: unknown = UNSET;
  #outgoing: string[] | null = null;
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
    return (this.#cookies === UNSET ? this.request.cookies : this.#cookies) as Readonly<Record<string, string | undefined>>;
  }
  set cookies(value: unknown) {
    this.#cookies = value;
  }

  // The cookie methods are getters returning arrow functions, so `({ setCookie }: Ctx)` works;
  // the function is made only when a handler asks for it, never for contexts that don't.
  get setCookie(): (name: string, value: string, options?: CookieOptions) => void {
    return (name, value, options = {}) => {
      const line = (this.#route.cookieKit ?? NO_COOKIE_KIT).line(name, value, options, this.#route.label);
      this.#outgoing ??= [];
      this.#outgoing.push(line);
    };
  }

  get clearCookie(): (name: string, options?: ClearCookieOptions) => void {
    return (name, options = {}) => {
      const line = (this.#route.cookieKit ?? NO_COOKIE_KIT).clearLine(name, options, this.#route.label);
      this.#outgoing ??= [];
      this.#outgoing.push(line);
    };
  }

  get signedCookie(): (name: string) => string | undefined {
    return (name) => {
      const raw = this.request.cookies[name];
      if (raw === undefined) return undefined;
      return (this.#route.cookieKit ?? NO_COOKIE_KIT).requireSigner(this.#route.label).unsign(name, raw) ?? undefined;
    };
  }

  /** The request's cookies with `names` replaced by their verified values (absent when tampered with). */
  verifiedCookies(names: readonly string[]): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = { ...this.request.cookies };
    for (const name of names) {
      const raw = out[name];
      if (raw !== undefined) out[name] = this.signedCookie(name);
    }
    return out;
  }

  /** The request's upload batch, made on first use. */
  uploadBatch(limits: { tempDir: string }): () => UploadBatch {
    return () => {
      this.uploads ??= new UploadBatch(limits.tempDir);
      return this.uploads;
    };
  }

  /** `Set-Cookie` values the handler asked for, or null; for the framework. */
  get outgoingCookies(): string[] | null {
    return this.#outgoing;
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
