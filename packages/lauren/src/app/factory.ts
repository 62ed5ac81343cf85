/**
 * `LaurenFactory.create()` compiles everything once — module graph, providers, singletons,
 * controllers, guards, routes, session config — and throws a typed StartupError naming the
 * culprit when anything is wrong. What it returns only dispatches.
 */
import { Container } from "../di/container.js";
import { Scope } from "../di/providers.js";
import type { Class } from "../di/token.js";
import { compileModules, explainMissing, toRecord } from "../modules/index.js";
import { mountOpenApi } from "../openapi/index.js";
import { installWebSockets } from "../realtime/index.js";
import { RevocationStore, SessionEngine } from "../sessions/index.js";
import { LaurenApplication } from "./application.js";
import { compileRoutes } from "./compile-routes.js";
import { Dispatcher } from "./dispatch.js";
import { consoleLogger, silentLogger } from "./logger.js";
import { type LaurenOptions, resolveOptions } from "./options.js";

export const LaurenFactory = {
  create(rootModule: Class<unknown>, options: LaurenOptions = {}): LaurenApplication {
    const logger = options.logger === false ? silentLogger : (options.logger ?? consoleLogger);
    const resolved = resolveOptions(options);
    const modules = compileModules(rootModule);
    const root = modules[modules.length - 1] as (typeof modules)[number];
    const container = new Container((token, scope) => explainMissing(modules, token, scope));
    for (const provider of options.globalProviders ?? []) container.addGlobal(toRecord(provider, container.globalScope, "globalProviders"));

    const sessions = options.sessions === undefined ? null : SessionEngine.create(options.sessions, logger);
    if (sessions?.revocationStore) {
      container.addGlobal(toRecord({ provide: RevocationStore, useValue: sessions.revocationStore }, container.globalScope, "sessions"));
    }

    // Build every singleton now, so a wrong inject() fails here and not on a request.
    for (const record of container.globalScope.visible.values()) {
      if (record.scope === Scope.SINGLETON) container.get(container.globalScope, record.token, "globalProviders");
    }
    for (const module of modules) {
      for (const record of module.providers.values()) {
        if (record.scope === Scope.SINGLETON) container.get(module, record.token, module.name);
      }
    }
    const { router, routes } = compileRoutes({
      modules,
      container,
      globalGuards: options.globalGuards ?? [],
      sessionsEnabled: sessions !== null,
      crossOrigin: sessions?.crossOrigin ?? null,
      csrf: sessions?.csrf ?? null,
      compression: resolved.compression,
    });
    // --- openapi: the document at openapiUrl and the docs UI at docsUrl, generated once here ---
    mountOpenApi({ router, routes, module: root, options, logger });
    // --- end openapi ---
    const dispatcher = new Dispatcher({ router, sessions, container, logger, options: resolved });
    const app = new LaurenApplication({ root, modules, container, routes, dispatcher, logger, options: resolved, sessions });
    // --- realtime: WebSocket gateways (compiled here, served on the server's 'upgrade', closed at shutdown) ---
    installWebSockets(app, options.globalGuards ?? []);
    // --- end realtime ---
    return app;
  },
};
