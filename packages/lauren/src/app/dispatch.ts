/**
 * The request pipeline, shared by the HTTP server and the TestClient:
 * global middleware → route → route middleware → session load → guards → params/query/
 * headers → body → interceptors → handler → session persist → response → background tasks.
 * Each step is skipped when the compiled route (or app) says so; the pieces live in pipeline/.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { withCookies } from "../cookies/index.js";
import type { Container, RequestCache } from "../di/container.js";
import { HttpError, MethodNotAllowedError, RouteNotFoundError, ServiceUnavailableError, toHttpError } from "../errors/index.js";
import type { EventBus } from "../events/index.js";
import { formKind, readForm } from "../forms/index.js";
import { ExecutionContext } from "../guards/index.js";
import type { CompressionPolicy } from "../http/compress.js";
import type { AppSession } from "../http/context.js";
import { HandlerContext } from "../http/handler-context.js";
import { readJsonBody } from "../http/json-body.js";
import { HttpResponse, type ResponseEnv } from "../http/reply.js";
import { ClientAbortedError, LaurenRequest } from "../http/request.js";
import { writeValue } from "../http/result.js";
import { type SetCookie, writeBody } from "../http/send.js";
import { setDefaultHeaders } from "../http/server-response.js";
import type { BackgroundTasks } from "../http/tasks.js";
import { type Logger, ThrottledWarning, withFields } from "../logging/index.js";
import { admit } from "../pipeline/admission.js";
import type { Chain } from "../pipeline/compose.js";
import { Exchange } from "../pipeline/context.js";
import { type ErrorContext, type ExceptionHandlerTable, findExceptionHandler } from "../pipeline/exception-handlers.js";
import { runInterceptors } from "../pipeline/interceptors.js";
import type { Prelude, PreludeResult } from "../pipeline/prelude.js";
import { type ErrorWriter, errorWriter } from "../pipeline/problem.js";
import { PendingResponse } from "../pipeline/response.js";
import { watchAbort } from "../realtime/abort-watch.js";
import { EventStream } from "../realtime/sse/event-stream.js";
import type { Router } from "../routing/index.js";
import type { SessionEngine } from "../sessions/index.js";
import type { StaticMounts } from "../static/index.js";
import { validate } from "../validation/index.js";
import type { CompiledRoute } from "./compile-routes.js";
import { hasPreDestruct, runHooks } from "./lifecycle.js";
import type { ResolvedOptions } from "./options.js";

export interface DispatchDeps {
  router: Router<CompiledRoute>;
  sessions: SessionEngine | null;
  container: Container;
  logger: Logger;
  options: ResolvedOptions;
  /** Global middleware compiled into one function, or null. */
  middleware?: Chain | null;
  /** The leading header-only global middleware (request id, security headers), run without the onion; or null. */
  prelude?: Prelude | null;
  /** The global built-ins left in the onion (cors()…), run on the 503 answered during shutdown; or null. */
  drainingMiddleware?: Chain | null;
  /** The app's exception handlers (for errors before routing), or null. */
  exceptionHandlers?: ExceptionHandlerTable | null;
  events?: EventBus | null;
  /** Folders served when no route matches a GET or HEAD, or null. */
  staticFiles?: StaticMounts | null;
}

type Tasks = readonly [Promise<void>] | undefined;

export class Dispatcher {
  readonly #deps: DispatchDeps;
  readonly #router: Router<CompiledRoute>;
  /** Requests being handled now; shutdown waits for this to reach zero. */
  inFlight = 0;
  /** Background task runs not finished yet. */
  readonly pendingTasks = new Set<Promise<void>>();
  /** Set by shutdown: new requests get 503 and the connection is closed. */
  draining = false;
  readonly #idleWaiters: (() => void)[] = [];
  /** Aborted when the app shuts down: streams end, sockets close. */
  readonly shutdown = new AbortController();

  readonly #env: ResponseEnv;
  readonly #global: Chain | null;
  readonly #prelude: Prelude | null;
  readonly #globalHandlers: ExceptionHandlerTable | null;
  readonly #writeError: ErrorWriter;
  readonly #events: EventBus | null;
  readonly #logRequests: boolean;
  readonly #aborts: ThrottledWarning;

  constructor(deps: DispatchDeps) {
    this.#deps = deps;
    this.#env = { signal: this.shutdown.signal, logger: deps.logger };
    this.#router = deps.router;
    this.#global = deps.middleware ?? null;
    this.#prelude = deps.prelude ?? null;
    this.#globalHandlers = deps.exceptionHandlers ?? null;
    this.#writeError = errorWriter(deps.options.errorFormat ?? "envelope");
    this.#events = deps.events ?? null;
    this.#logRequests = deps.options.logRequests ?? false;
    this.#aborts = new ThrottledWarning(deps.logger, "client aborts");
    watchAbort(this.shutdown.signal, () => this.#aborts.flush());
  }

  /** node:http request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const pre = this.#prelude === null ? null : this.#prelude(req);
    if (this.draining) {
      this.#refuseWhileDraining(req, res, pre);
      return;
    }
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? "" : url.slice(q + 1);
    const start = this.#logRequests || this.#events?.has("request") === true ? performance.now() : -1;
    if (this.#global !== null) {
      this.#track(res, this.#throughMiddleware(req, res, path, rawQuery, start, pre));
      return;
    }
    if (pre !== null) setDefaultHeaders(res, pre.headers);
    const reqId = pre === null ? null : pre.id;
    const method = req.method ?? "GET";
    let found = this.#router.lookup(method, path);
    if (found === null && method === "HEAD") found = this.#router.lookup("GET", path);
    if (found === null) {
      const refusal = this.#refuse(res, method, path, null);
      if (refusal !== null) {
        this.#track(
          res,
          refusal.then(() => {
            if (start !== -1) this.#finished(req, res, path, null, reqId, start);
            return undefined;
          }),
        );
      } else if (start !== -1) this.#finished(req, res, path, null, reqId, start);
      return;
    }
    const { options } = this.#deps;
    const request = new LaurenRequest(req, path, rawQuery, options.maxBodySize, options.trustProxy);
    if (reqId !== null) request.id = reqId;
    let running = this.#run(found.route, res, found.params, request, null);
    if (start !== -1) running = running.finally(() => this.#finished(req, res, path, found.route, request.id, start));
    this.#track(res, running);
  };

  #track(res: ServerResponse, running: Promise<Tasks | undefined>): void {
    this.inFlight++;
    const done = running.then(this.#done, this.#crashed);
    if (this.#tracked !== null) this.#tracked.set(res, done);
  }

  /** Global middleware around routing: it sees every request, 404s and preflights included. */
  async #throughMiddleware(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    rawQuery: string,
    start: number,
    pre: PreludeResult | null,
  ): Promise<Tasks> {
    const { options } = this.#deps;
    const request = new LaurenRequest(req, path, rawQuery, options.maxBodySize, options.trustProxy);
    const ex = this.#exchange(request, res, pre);
    let tasks: Tasks;
    let matched: CompiledRoute | null = null;
    const inner = async (): Promise<void> => {
      const method = request.method;
      let found = this.#router.lookup(method, path);
      if (found === null && method === "HEAD") found = this.#router.lookup("GET", path);
      if (found === null) {
        await this.#refuse(res, method, path, request);
        return;
      }
      matched = found.route;
      tasks = await this.#run(found.route, res, found.params, request, ex);
    };
    try {
      await (this.#global as Chain)(ex, inner);
    } catch (thrown) {
      tasks = undefined;
      await this.#failOutside(ex, thrown);
    }
    ex.response.flush();
    if (start !== -1) this.#finished(req, res, path, matched, request.id, start);
    return tasks;
  }

  /**
   * A request during shutdown: 503 with connection: close. The global built-ins (request id,
   * security headers, CORS) still add their headers; the app's own middleware does not run.
   */
  #refuseWhileDraining(req: IncomingMessage, res: ServerResponse, pre: PreludeResult | null): void {
    const err = new ServiceUnavailableError("server is shutting down", {}, { headers: { connection: "close", "retry-after": "1" } });
    const chain = this.#deps.drainingMiddleware ?? null;
    if (chain === null) {
      if (pre !== null) setDefaultHeaders(res, pre.headers);
      this.#writeError(res, err, null, null);
      return;
    }
    const { options } = this.#deps;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const request = new LaurenRequest(req, q === -1 ? url : url.slice(0, q), "", options.maxBodySize, options.trustProxy);
    const ex = this.#exchange(request, res, pre);
    const answered = chain(ex, async () => this.#writeError(res, err, null, null))
      .catch((thrown: unknown) => this.#failOutside(ex, thrown))
      .then(() => {
        // A CORS preflight is still answered (204); it too ends the connection.
        ex.response.setHeader("connection", "close");
        ex.response.flush();
        return undefined;
      });
    this.#track(res, answered);
  }

  /** What middleware sees of this request, holding the response back; with the prelude's id and default headers. */
  #exchange(request: LaurenRequest, res: ServerResponse, pre: PreludeResult | null): Exchange {
    const ex = new Exchange(request, new PendingResponse(res), this.#env, this.#deps.options.trustProxy, this.#routeFor);
    if (pre !== null) {
      if (pre.id !== null) request.id = pre.id;
      ex.response.addDefaults(pre.headers);
    }
    return ex;
  }

  /** Finds the route a middleware asks about (CORS looks up the route a preflight is for). */
  readonly #routeFor = (method: string, path: string) => this.#router.lookup(method, path)?.route.descriptor ?? null;

  /** An error thrown by global middleware: the app's exception handlers, else the default answer. */
  async #failOutside(ex: Exchange, thrown: unknown): Promise<void> {
    const res = ex.response.res;
    if (ex.response.committed) {
      this.#logUnexpected(ex.request, "global middleware failed after the response started", thrown);
      res.destroy();
      return;
    }
    ex.response.discard();
    const handled = await this.#handleError(this.#globalHandlers, thrown, ex.request, null, res, null);
    if (handled !== null) this.#writeError(res, handled, null, ex.request.path);
  }

  /** No route for this method: a static file when one matches a GET or HEAD, else the refusal. */
  #refuse(res: ServerResponse, method: string, path: string, request: LaurenRequest | null): Promise<void> | null {
    const files = this.#deps.staticFiles ?? null;
    if (files === null || (method !== "GET" && method !== "HEAD")) return this.#refuseRoute(res, method, path, request);
    return files
      .serve(res, path, this.#env)
      .then((served) => (served ? undefined : (this.#refuseRoute(res, method, path, request) ?? undefined)));
  }

  /** 404, 405 with Allow, or the OPTIONS answer. */
  #refuseRoute(res: ServerResponse, method: string, path: string, request: LaurenRequest | null): Promise<void> | null {
    const entry = this.#router.allowed(path);
    let err: HttpError;
    if (entry === null) {
      err = new RouteNotFoundError(`No route matches ${method} ${path}`);
    } else if (method === "OPTIONS") {
      writeBody(res, 204, null, ["allow", entry.allow], null, null);
      return null;
    } else {
      const detail = { allow: entry.allowList };
      err = new MethodNotAllowedError(`${method} not allowed for ${path}`, detail, { headers: { allow: entry.allow } });
    }
    if (this.#globalHandlers === null) {
      this.#writeError(res, err, null, path);
      return null;
    }
    const { options } = this.#deps;
    const req = request ?? new LaurenRequest(res.req, path, "", options.maxBodySize, options.trustProxy);
    return this.#handleError(this.#globalHandlers, err, req, null, res, null).then((left) => {
      if (left !== null) this.#writeError(res, left, null, path);
    });
  }

  /** Per-response completion (response written and its tasks run), kept only for the TestClient. */
  #tracked: WeakMap<ServerResponse, Promise<unknown>> | null = null;

  /**
   * Resolves when the request answered on `res` is completely handled, background tasks
   * included. Only requests dispatched after `trackCompletions()` are tracked, so a server
   * that never asks pays nothing.
   */
  completion(res: ServerResponse): Promise<unknown> {
    return this.#tracked?.get(res) ?? Promise.resolve();
  }

  trackCompletions(): void {
    this.#tracked ??= new WeakMap();
  }

  /** Last resort: #run handles every error itself, so this only sees a failing error write. */
  readonly #crashed = (err: unknown): void => {
    this.#deps.logger.error("failed to write a response", { error: err });
    this.#done(undefined);
  };

  /** Returns the request's task run (if any) so a tracked completion also waits for it. */
  readonly #done = (tasks: Tasks | undefined): Promise<void> | undefined => {
    this.inFlight--;
    if (this.inFlight === 0 && this.#idleWaiters.length > 0) for (const wake of this.#idleWaiters.splice(0)) wake();
    return tasks?.[0];
  };

  /** Resolves when no request is in flight and no task is running. */
  async idle(): Promise<void> {
    while (this.inFlight > 0 || this.pendingTasks.size > 0) {
      if (this.inFlight > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
      await Promise.allSettled([...this.pendingTasks]);
    }
  }

  /** The per-request log line and the `request` event. */
  #finished(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    route: CompiledRoute | null,
    reqId: string | null,
    start: number,
  ): void {
    const durationMs = Math.round((performance.now() - start) * 1000) / 1000;
    const status = res.statusCode;
    const method = req.method ?? "GET";
    if (this.#logRequests) {
      const fields = { reqId, method, path, status, durationMs };
      const logger = this.#deps.logger;
      if (status >= 500) logger.error("request completed", fields);
      else if (status >= 400) logger.warn("request completed", fields);
      else logger.info("request completed", fields);
    }
    const events = this.#events;
    if (events?.has("request")) {
      events.emit("request", { method, path, route: route === null ? null : route.descriptor.route, status, durationMs, reqId });
    }
  }

  /** Runs one route: through its own middleware when it has any, else straight to the core. */
  #run(
    route: CompiledRoute,
    res: ServerResponse,
    params: Readonly<Record<string, string>>,
    request: LaurenRequest,
    ex: Exchange | null,
  ): Promise<Tasks> {
    const ctx = new HandlerContext(request, params, route.contextRoute, this.#deps.container);
    if (ex !== null) {
      const state = ex.stateIfAny;
      if (state !== null) ctx.adoptState(state);
    }
    if (route.middleware === null) return this.#core(route, ctx, res, params, request);
    return this.#runWithMiddleware(route, ctx, res, params, request, ex);
  }

  async #runWithMiddleware(
    route: CompiledRoute,
    ctx: HandlerContext,
    res: ServerResponse,
    params: Readonly<Record<string, string>>,
    request: LaurenRequest,
    outer: Exchange | null,
  ): Promise<Tasks> {
    const ex = outer ?? this.#exchange(request, res, null);
    ctx.adoptState(ex.state);
    let tasks: Tasks;
    try {
      await (route.middleware as Chain)(ex, async () => {
        tasks = await this.#core(route, ctx, res, params, request);
      });
    } catch (thrown) {
      tasks = undefined;
      if (ex.response.committed) {
        this.#logUnexpected(request, `middleware of ${route.contextRoute.label} failed after the response started`, thrown);
        res.destroy();
      } else {
        ex.response.discard();
        await this.#fail(route, res, thrown, null, request);
      }
    }
    if (outer === null) ex.response.flush();
    return tasks;
  }

  async #core(
    route: CompiledRoute,
    ctx: HandlerContext,
    res: ServerResponse,
    params: Readonly<Record<string, string>>,
    request: LaurenRequest,
  ): Promise<Tasks> {
    const { sessions } = this.#deps;
    const req = request.raw;
    let session: AppSession | null = null;
    let scheduled: Tasks;
    try {
      if (route.crossOrigin !== null) route.crossOrigin.check(req.headers);
      if (route.sessions || route.guards !== null) {
        const csrf = route.csrf;
        const admitted = admit(route, ctx, sessions, req.headers.cookie, csrf === null ? null : (loaded) => csrf.verify(request, loaded));
        session = admitted instanceof Promise ? await admitted : admitted;
      }
      // Validators and the session commit are usually synchronous: await only real promises,
      // since each needless await costs a trip through the microtask queue.
      if (route.params !== null) {
        const value = validate(route.params, "path", params);
        ctx.params = (value instanceof Promise ? await value : value) as Record<string, string>;
      }
      if (route.query !== null) {
        const value = validate(route.query, "query", request.query);
        ctx.query = value instanceof Promise ? await value : value;
      }
      if (route.headers !== null) {
        const value = validate(route.headers, "header", req.headers);
        ctx.headers = value instanceof Promise ? await value : value;
      }
      if (route.cookies !== null) {
        const input = route.signedCookies === null ? request.cookies : ctx.verifiedCookies(route.signedCookies);
        const value = validate(route.cookies, "cookie", input);
        ctx.cookies = value instanceof Promise ? await value : value;
      }
      if (route.form !== null && (route.body === null || formKind(req.headers["content-type"]) !== null)) {
        const value = validate(route.form.schema, "form", await readForm(request, route.form.limits, ctx.uploadBatch(route.form.limits)));
        ctx.form = value instanceof Promise ? await value : value;
        if (route.body !== null) ctx.body = ctx.form;
      } else if (route.body !== null) {
        const value = validate(route.body, "body", await readJsonBody(request, this.#deps.options.maxJsonDepth));
        ctx.body = value instanceof Promise ? await value : value;
      }
      const controller = route.controllerClass === null ? route.controller : ctx.construct(route.controllerClass);
      let result =
        route.interceptors === null
          ? route.handler.call(controller, ctx)
          : runInterceptors(route.interceptors, new ExecutionContext(ctx, route.descriptor), () => route.handler.call(controller, ctx));
      if (result instanceof Promise) result = await result;
      let cookie: SetCookie | Promise<string | null> = session === null ? null : (sessions as SessionEngine).commit(session);
      if (cookie instanceof Promise) cookie = await cookie;
      if (ctx.outgoingCookies !== null) cookie = withCookies(cookie, ctx.outgoingCookies);
      const env = route.compression === null ? this.#env : this.#compressing(route.compression);
      if (result instanceof HttpResponse) {
        // An event stream opened with a session ends when the session does (logout, revocation, expiry).
        const live = session !== null && result instanceof EventStream;
        const resEnv = live ? (sessions as SessionEngine).streamEnv(session as AppSession, env, res) : env;
        // A reply or NDJSON stream is written by the schema the route declares for its status.
        await result.writeTo(res, cookie, resEnv, route.serializers);
      } else if (result === undefined) writeBody(res, route.status === 200 ? 204 : route.status, null, [], cookie, null);
      else {
        const written = writeValue(res, route.status, result, cookie, env, route.serialize);
        if (written !== undefined) await written;
      }
      // Only a request that succeeded runs its tasks: after an error the client may retry,
      // and the work would then happen twice.
      const tasks = ctx.queuedTasks;
      // Wrapped in an array: an async function would otherwise wait for the returned promise.
      if (tasks !== null && tasks.size > 0) scheduled = [this.#schedule(tasks, request.id)];
    } catch (thrown) {
      try {
        await this.#fail(route, res, thrown, ctx.loadedSession ?? session, request, ctx.outgoingCookies);
      } catch (writeError) {
        res.destroy();
        throw writeError;
      }
    } finally {
      // Temporary upload files never outlive their request: success, error or client abort.
      if (ctx.uploads !== null) await ctx.uploads.cleanup();
    }
    const built = ctx.requestInstances;
    return built === null ? scheduled : this.#teardown(built, scheduled, request.id);
  }

  /**
   * `@preDestruct` of what was built for this request alone, after the response (and after
   * its tasks, which may still use those instances). Never awaited by the response; a hook
   * that fails or hangs is logged.
   */
  #teardown(built: RequestCache, scheduled: Tasks, reqId: string | null): Tasks {
    const instances = [...built.values()].filter(hasPreDestruct);
    if (instances.length === 0) return scheduled;
    const logger = reqId === null ? this.#deps.logger : withFields(this.#deps.logger, { reqId });
    const after = scheduled === undefined ? new Promise<void>((resolve) => setImmediate(resolve)) : scheduled[0];
    const run = after
      .then(() => runHooks(instances, "preDestruct", this.#deps.options.hookTimeout, logger))
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => this.pendingTasks.delete(run));
    this.pendingTasks.add(run);
    return [run];
  }

  async #fail(
    route: CompiledRoute,
    res: ServerResponse,
    thrown: unknown,
    session: AppSession | null,
    request: LaurenRequest,
    own: readonly string[] | null = null,
  ): Promise<void> {
    if (thrown instanceof ClientAbortedError) {
      // Nobody is left to answer, and nothing is wrong with the server: one line, no stack,
      // and a burst of them is one warning plus a count.
      this.#aborts.note(`${route.contextRoute.label}: ${thrown.message}`);
      res.destroy();
      return;
    }
    if (res.headersSent) {
      // A streaming response failed midway: the status is gone, so cut the stream.
      if (toHttpError(thrown).unexpected) this.#logUnexpected(request, `unhandled error in ${route.contextRoute.label}`, thrown);
      res.destroy();
      return;
    }
    const left = await this.#handleError(route.exceptionHandlers, thrown, request, route, res, session);
    if (left === null) return;
    let error = left;
    let cookie: SetCookie = null;
    if (session !== null && error.status < 500) {
      try {
        cookie = await (this.#deps.sessions as SessionEngine).commit(session);
      } catch (commitError) {
        const mapped = toHttpError(commitError);
        error = mapped.error;
        if (mapped.unexpected) this.#logUnexpected(request, `session persist failed in ${route.contextRoute.label}`, commitError);
      }
    }
    // Cookies the handler set still go out with a client error (a cleared cookie on a 401).
    if (own !== null && error.status < 500) cookie = withCookies(cookie, own);
    this.#writeError(res, error, cookie, request.path);
  }

  /**
   * Gives `thrown` to the exception handler bound to its class, if any. Returns the error
   * still to be written with the default format, or null when a handler answered.
   */
  async #handleError(
    table: ExceptionHandlerTable | null,
    thrown: unknown,
    request: LaurenRequest,
    route: CompiledRoute | null,
    res: ServerResponse,
    session: AppSession | null,
  ): Promise<HttpError | null> {
    const where = route === null ? `${request.method} ${request.path}` : route.contextRoute.label;
    const handler = table === null ? null : findExceptionHandler(table, thrown);
    if (handler !== null) {
      try {
        const ectx: ErrorContext = { request, route: route?.descriptor ?? null, requestId: request.id, log: this.#requestLogger(request) };
        let out = handler.fn(thrown, ectx);
        if (out instanceof Promise) out = await out;
        if (out instanceof HttpResponse) {
          let cookie: string | null = null;
          if (session !== null) cookie = await (this.#deps.sessions as SessionEngine).commit(session);
          await out.writeTo(res, cookie, this.#env);
          return null;
        }
        if (out instanceof HttpError) return out;
        this.#logUnexpected(
          request,
          `exception handler ${handler.name} (in ${where}) returned neither a response nor an HttpError`,
          thrown,
        );
        return toHttpError(new TypeError("exception handler returned no response")).error;
      } catch (rethrown) {
        thrown = rethrown;
      }
    }
    const { error, unexpected } = toHttpError(thrown);
    if (unexpected) this.#logUnexpected(request, `unhandled error in ${where}`, thrown);
    return error;
  }

  #requestLogger(request: LaurenRequest): Logger {
    return request.id === null ? this.#deps.logger : withFields(this.#deps.logger, { reqId: request.id });
  }

  #logUnexpected(request: LaurenRequest, message: string, error: unknown): void {
    this.#deps.logger.error(message, request.id === null ? { error } : { error, reqId: request.id });
  }

  /** One response environment per compression policy, made on first use. */
  readonly #compressingEnvs = new Map<CompressionPolicy, ResponseEnv>();
  #compressing(policy: CompressionPolicy): ResponseEnv {
    let env = this.#compressingEnvs.get(policy);
    if (env === undefined) {
      env = { ...this.#env, compression: policy };
      this.#compressingEnvs.set(policy, env);
    }
    return env;
  }

  #schedule(tasks: BackgroundTasks, reqId: string | null): Promise<void> {
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => tasks.run(reqId === null ? this.#deps.logger : withFields(this.#deps.logger, { reqId }), this.#events, reqId))
      .finally(() => this.pendingTasks.delete(run));
    this.pendingTasks.add(run);
    return run;
  }
}
