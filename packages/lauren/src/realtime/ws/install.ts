/**
 * Wires the app's gateways into a created app: compiles them (start-up errors surface in
 * `LaurenFactory.create()`), claims their paths on the server's 'upgrade' event and closes
 * every socket with 1001 when the app shuts down. Apps without gateways pay nothing.
 */
import type { LaurenApplication } from "../../app/application.js";
import type { GuardLike } from "../../guards/types.js";
import type { CompiledExceptionHandler } from "../../pipeline/exception-handlers.js";
import type { CompiledInterceptor } from "../../pipeline/interceptors.js";
import { watchAbort } from "../abort-watch.js";
import { compileGateways } from "./compile.js";
import { WsServer } from "./server.js";

/** The app-wide pipeline pieces that also apply to gateways. */
export interface GatewayGlobals {
  readonly guards: readonly GuardLike[];
  readonly interceptors: readonly CompiledInterceptor[];
  readonly exceptionHandlers: readonly CompiledExceptionHandler[];
}

export function installWebSockets(app: LaurenApplication, globals: GatewayGlobals): void {
  const { modules, container, sessions, logger, options, dispatcher } = app.parts;
  const { router, gateways } = compileGateways({
    modules,
    container,
    globalGuards: globals.guards,
    sessionsEnabled: sessions !== null,
    appOrigins: options.wsAllowedOrigins,
    globalInterceptors: globals.interceptors,
    globalExceptionHandlers: globals.exceptionHandlers,
  });
  if (gateways.length === 0) return;
  const server = new WsServer({ router, gateways, container, logger, sessions, options });
  app.addUpgradeHandler(server.handleUpgrade);
  // Ask clients to leave as soon as shutdown starts; cut the stragglers once requests drained.
  watchAbort(dispatcher.shutdown.signal, () => server.beginShutdown());
  app.onShutdown(() => server.closeAll());
}
