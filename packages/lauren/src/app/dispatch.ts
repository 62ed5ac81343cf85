/**
 * The request pipeline, shared by the HTTP server and the TestClient:
 * route → session load → guards → params/query/headers → body → handler → session persist
 * → response → background tasks. Each step is skipped when the compiled route says so.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Container } from "../di/container.js";
import { type HttpError, MethodNotAllowedError, RouteNotFoundError, ServiceUnavailableError, toHttpError } from "../errors/index.js";
import { runGuards } from "../guards/index.js";
import type { CompressionPolicy } from "../http/compress.js";
import type { AppSession } from "../http/context.js";
import { HandlerContext } from "../http/handler-context.js";
import { readJsonBody } from "../http/json-body.js";
import { HttpResponse, type ResponseEnv } from "../http/reply.js";
import { LaurenRequest } from "../http/request.js";
import { writeValue } from "../http/result.js";
import { writeBody, writeError } from "../http/send.js";
import type { BackgroundTasks } from "../http/tasks.js";
import type { Router } from "../routing/index.js";
import type { SessionEngine } from "../sessions/index.js";
import { validate } from "../validation/index.js";
import type { CompiledRoute } from "./compile-routes.js";
import type { Logger } from "./logger.js";
import type { ResolvedOptions } from "./options.js";

export interface DispatchDeps {
  router: Router<CompiledRoute>;
  sessions: SessionEngine | null;
  container: Container;
  logger: Logger;
  options: ResolvedOptions;
}

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

  constructor(deps: DispatchDeps) {
    this.#deps = deps;
    this.#env = { signal: this.shutdown.signal, logger: deps.logger };
    this.#router = deps.router;
  }

  /** node:http request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.draining) {
      const err = new ServiceUnavailableError("server is shutting down", {}, { headers: { connection: "close", "retry-after": "1" } });
      writeError(res, err, null);
      return;
    }
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? "GET";
    let found = this.#router.lookup(method, path);
    if (found === null && method === "HEAD") found = this.#router.lookup("GET", path);
    if (found === null) {
      this.#refuse(res, method, path);
      return;
    }
    const route = found.route;
    const params = found.params;
    this.inFlight++;
    const running = this.#run(route, req, res, params, path, q === -1 ? "" : url.slice(q + 1)).then(this.#done, this.#crashed);
    if (this.#tracked !== null) this.#tracked.set(res, running);
  };

  /** No route for this method: 404, 405 with Allow, or the OPTIONS answer. */
  #refuse(res: ServerResponse, method: string, path: string): void {
    const entry = this.#router.allowed(path);
    if (entry === null) {
      writeError(res, new RouteNotFoundError(`No route matches ${method} ${path}`), null);
    } else if (method === "OPTIONS") {
      writeBody(res, 204, null, ["allow", entry.allow], null, null);
    } else {
      const detail = { allow: entry.allowList };
      writeError(res, new MethodNotAllowedError(`${method} not allowed for ${path}`, detail, { headers: { allow: entry.allow } }), null);
    }
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
  readonly #done = (tasks: readonly [Promise<void>] | undefined): Promise<void> | undefined => {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
    return tasks?.[0];
  };

  /** Resolves when no request is in flight and no task is running. */
  async idle(): Promise<void> {
    while (this.inFlight > 0 || this.pendingTasks.size > 0) {
      if (this.inFlight > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
      await Promise.allSettled([...this.pendingTasks]);
    }
  }

  async #run(
    route: CompiledRoute,
    req: IncomingMessage,
    res: ServerResponse,
    params: Readonly<Record<string, string>>,
    path: string,
    rawQuery: string,
  ): Promise<readonly [Promise<void>] | undefined> {
    const { options, sessions } = this.#deps;
    const request = new LaurenRequest(req, path, rawQuery, options.maxBodySize, options.trustProxy);
    const ctx = new HandlerContext(request, params, route.contextRoute, this.#deps.container);
    let session: AppSession | null = null;
    try {
      if (route.crossOrigin !== null) route.crossOrigin.check(req.headers);
      if (route.sessions) {
        const loaded = (sessions as SessionEngine).load(req.headers.cookie);
        session = (loaded instanceof Promise ? await loaded : loaded) as AppSession;
        ctx.loadedSession = session;
        if (route.csrf !== null) await route.csrf.verify(request, session);
      }
      if (route.guards !== null) await runGuards(route.guards, route.descriptor, ctx);
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
      if (route.body !== null) {
        const value = validate(route.body, "body", await readJsonBody(request, options.maxJsonDepth));
        ctx.body = value instanceof Promise ? await value : value;
      }
      let result = route.handler.call(route.controller, ctx);
      if (result instanceof Promise) result = await result;
      let cookie: string | null | Promise<string | null> = session === null ? null : (sessions as SessionEngine).commit(session);
      if (cookie instanceof Promise) cookie = await cookie;
      const env = route.compression === null ? this.#env : this.#compressing(route.compression);
      if (result instanceof HttpResponse) await result.writeTo(res, cookie, env);
      else if (result === undefined) writeBody(res, route.status === 200 ? 204 : route.status, null, [], cookie, null);
      else {
        const written = writeValue(res, route.status, result, cookie, env);
        if (written !== undefined) await written;
      }
      // Only a request that succeeded runs its tasks: after an error the client may retry,
      // and the work would then happen twice.
      const tasks = ctx.queuedTasks;
      // Wrapped in an array: an async function would otherwise wait for the returned promise.
      if (tasks !== null && tasks.size > 0) return [this.#schedule(tasks)];
    } catch (thrown) {
      try {
        await this.#fail(route, res, thrown, session);
      } catch (writeError) {
        res.destroy();
        throw writeError;
      }
    }
    return undefined;
  }

  async #fail(route: CompiledRoute, res: ServerResponse, thrown: unknown, session: AppSession | null): Promise<void> {
    let { error, unexpected } = toHttpError(thrown);
    if (unexpected) this.#deps.logger.error(`unhandled error in ${route.contextRoute.label}`, { error: thrown });
    let cookie: string | null = null;
    if (session !== null && !unexpected && error.status < 500) {
      try {
        cookie = await (this.#deps.sessions as SessionEngine).commit(session);
      } catch (commitError) {
        ({ error, unexpected } = toHttpError(commitError));
        if (unexpected) this.#deps.logger.error(`session persist failed in ${route.contextRoute.label}`, { error: commitError });
      }
    }
    if (res.headersSent) {
      // A streaming response failed midway: the status is gone, so cut the stream.
      res.destroy();
      return;
    }
    writeError(res, error as HttpError, cookie);
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

  #schedule(tasks: BackgroundTasks): Promise<void> {
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => tasks.run(this.#deps.logger))
      .finally(() => this.pendingTasks.delete(run));
    this.pendingTasks.add(run);
    return run;
  }
}
