/**
 * `LaurenFactory.create()` compiles everything once — module graph, providers, singletons,
 * controllers, guards, routes, session config — and throws a typed StartupError naming the
 * culprit when anything is wrong. What it returns only dispatches. `createAsync()` does the
 * same and also waits for providers whose factories return promises.
 */

import { CookieKit } from "../cookies/index.js";
import { CONTROLLER } from "../decorators/kinds.js";
import { Container, type ModuleScope, PendingProvider, type ProviderRecord } from "../di/container.js";
import { dryRunOf } from "../di/dry-run.js";
import { Scope } from "../di/providers.js";
import type { Class, InjectionToken } from "../di/token.js";
import { EventBus } from "../events/index.js";
import { fromPino, isPinoLike, type Logger, loggerFromEnv, silentLogger } from "../logging/index.js";
import { readMeta } from "../metadata/index.js";
import { type CompiledModule, compileModules, explainMissing, joinGlobalProviders, toRecord } from "../modules/index.js";
import { mountOpenApi } from "../openapi/index.js";
import { compose } from "../pipeline/compose.js";
import { compileExceptionHandlers } from "../pipeline/exception-handlers.js";
import { compileInterceptors } from "../pipeline/interceptors.js";
import { compileMiddleware, drainingLayers } from "../pipeline/middleware.js";
import { splitPrelude } from "../pipeline/prelude.js";
import { attachBroadcastAdapter, installWebSockets } from "../realtime/index.js";
import { RevocationStore, SessionEngine, UserSessions } from "../sessions/index.js";
import { staticMounts } from "../static/index.js";
import { LaurenApplication } from "./application.js";
import { compileRoutes, isOtherController } from "./compile-routes.js";
import { Dispatcher } from "./dispatch.js";
import { type LaurenOptions, resolveOptions } from "./options.js";

export const LaurenFactory = {
  /**
   * Builds the app synchronously. An async provider (a factory returning a promise) is
   * refused with AsyncProviderError: use `createAsync()` for apps that have one.
   */
  create(rootModule: Class<unknown>, options: LaurenOptions = {}): LaurenApplication {
    const build = prepare(rootModule, options);
    for (const [record, scope] of singletons(build)) build.container.buildSingleton(record, scope);
    return assemble(build);
  },

  /**
   * Builds the app, awaiting async providers at start-up in dependency order: nothing that
   * injects one is built before its promise resolves. A rejected factory fails with
   * ProviderFactoryError naming the provider and its module.
   */
  async createAsync(rootModule: Class<unknown>, options: LaurenOptions = {}): Promise<LaurenApplication> {
    const build = prepare(rootModule, options);
    const { container } = build;
    container.allowAsync = true;
    try {
      for (const [record, scope] of singletons(build)) {
        for (;;) {
          try {
            container.buildSingleton(record, scope);
            break;
          } catch (error) {
            // A dependency is still starting: wait for it, then build this one again.
            if (!(error instanceof PendingProvider)) throw error;
            await error.record.pending;
          }
        }
      }
    } finally {
      container.allowAsync = false;
    }
    return assemble(build);
  },
};

interface Build {
  readonly rootModule: Class<unknown>;
  readonly options: LaurenOptions;
  readonly modules: CompiledModule[];
  readonly container: Container;
  readonly sessions: SessionEngine | null;
  readonly logger: Logger;
}

function isController(cls: unknown): boolean {
  const meta = readMeta(cls);
  return meta !== undefined && (meta.kinds.has(CONTROLLER) || isOtherController(meta));
}

function prepare(rootModule: Class<unknown>, options: LaurenOptions): Build {
  const logger = appLogger(options.logger);
  resolveOptions(options);
  const modules = compileModules(rootModule, { isController });
  const container = new Container((token, scope) => explainMissing(modules, token, scope));
  const sessions = options.sessions === undefined ? null : SessionEngine.create(options.sessions, logger);
  // What the sessions option provides to every module; nothing else may provide it.
  const builtIn = new Map<InjectionToken, string>();
  const scope = container.globalScope;
  const records: ProviderRecord[] = [];
  if (sessions !== null) {
    builtIn.set(UserSessions, "the sessions option");
    records.push(toRecord({ provide: UserSessions, useValue: sessions.userSessions }, scope, "sessions"));
    if (sessions.revocationStore) {
      builtIn.set(RevocationStore, "the sessions option (revocationStore)");
      records.push(toRecord({ provide: RevocationStore, useValue: sessions.revocationStore }, scope, "sessions"));
    }
  }
  const given = (options.globalProviders ?? []).map((p) => toRecord(p, scope, "globalProviders", isController));
  for (const record of joinGlobalProviders(modules, given, scope, builtIn).values()) container.addGlobal(record);
  for (const record of records) container.addGlobal(record);
  return { rootModule, options, modules, container, sessions, logger };
}

/** Every singleton to build now, so a wrong inject() fails here and not on a request. */
function* singletons(build: Build): Generator<[ProviderRecord, ModuleScope]> {
  const { container, modules } = build;
  for (const record of container.globalScope.visible.values()) {
    if (record.kind === "multi") {
      for (const member of record.members ?? []) if (member.scope === Scope.SINGLETON) yield [member, container.globalScope];
    } else if (record.scope === Scope.SINGLETON) yield [record, container.globalScope];
  }
  for (const module of modules) {
    for (const record of module.own) if (record.scope === Scope.SINGLETON) yield [record, module];
  }
}

/** What is built only per request (request-scoped and transient providers) is checked by a dry run. */
function checkPerRequest(build: Build): void {
  const { container, modules } = build;
  const dry = dryRunOf(container);
  for (const record of container.globalScope.visible.values()) {
    for (const one of record.kind === "multi" ? (record.members ?? []) : [record]) dry.checkRecord(one, container.globalScope);
  }
  for (const module of modules) for (const record of module.own) dry.checkRecord(record, module);
}

function assemble(build: Build): LaurenApplication {
  const { options, modules, container, sessions, logger } = build;
  checkPerRequest(build);
  const resolved = resolveOptions(options);
  const root = modules[modules.length - 1] as CompiledModule;
  // --- pipeline: global middleware, interceptors and exception handlers, compiled once ---
  const middleware = compileMiddleware(options.middleware ?? [], container, root, "the middleware option");
  // requestId() and securityHeaders() at the front run as a synchronous prelude; the rest stays an onion.
  const { prelude, rest: onion } = splitPrelude(middleware, resolved.trustProxy);
  // The built-ins left in the onion (cors(), or one placed after other middleware) still run on the shutdown 503.
  const whileDraining = drainingLayers(onion);
  const globalInterceptors = compileInterceptors(options.interceptors ?? [], container, root, "the interceptors option");
  const globalExceptionHandlers = compileExceptionHandlers(
    options.exceptionHandlers ?? [],
    container,
    root,
    "the exceptionHandlers option",
  );
  const events = new EventBus(logger);
  // --- end pipeline ---
  if (options.broadcast !== undefined) attachBroadcastAdapter(container.built, options.broadcast);
  const { router, routes } = compileRoutes({
    modules,
    container,
    globalGuards: options.globalGuards ?? [],
    sessionsEnabled: sessions !== null,
    crossOrigin: sessions?.crossOrigin ?? null,
    csrf: sessions?.csrf ?? null,
    compression: resolved.compression,
    globalInterceptors,
    globalExceptionHandlers,
    logger,
    uploads: options.uploads,
    cookieKit: new CookieKit(options.cookies ?? {}, sessions?.secrets ?? null),
    validateResponses: options.validateResponses === true,
  });
  // --- openapi: the document at openapiUrl and the docs UI at docsUrl, generated once here ---
  mountOpenApi({ router, routes, module: root, options, logger });
  // --- end openapi ---
  const dispatcher = new Dispatcher({
    router,
    sessions,
    container,
    logger,
    options: resolved,
    middleware: onion.length === 0 ? null : compose(onion),
    drainingMiddleware: whileDraining.length === 0 ? null : compose(whileDraining),
    prelude,
    exceptionHandlers: globalExceptionHandlers.length === 0 ? null : [globalExceptionHandlers],
    events,
    staticFiles: staticMounts(options.staticFiles, modules, resolved.compression),
  });
  const app = new LaurenApplication({ root, modules, container, routes, dispatcher, logger, options: resolved, sessions, events });
  // --- realtime: WebSocket gateways (compiled here, served on the server's 'upgrade', closed at shutdown) ---
  installWebSockets(app, {
    guards: options.globalGuards ?? [],
    interceptors: globalInterceptors,
    exceptionHandlers: globalExceptionHandlers,
  });
  // --- end realtime ---
  return app;
}

/** The `logger` option as a Logger: pino adapted, `false` silent, unset from LAUREN_LOG_* . */
function appLogger(option: LaurenOptions["logger"]): Logger {
  if (option === false) return silentLogger;
  if (option === undefined) return loggerFromEnv(process.env);
  return isPinoLike(option) ? fromPino(option) : option;
}
