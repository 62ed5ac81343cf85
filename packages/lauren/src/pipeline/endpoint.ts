/**
 * What every compiled endpoint carries, HTTP routes and WebSocket gateways alike. Each
 * extension point is null when unused, so the request path pays one `=== null` branch for it.
 */

import type { RouteDescriptor } from "../guards/execution-context.js";
import type { GuardEntry } from "../guards/index.js";
import type { ContextRoute } from "../http/handler-context.js";
import type { Chain } from "./compose.js";
import type { ExceptionHandlerTable } from "./exception-handlers.js";
import type { CompiledInterceptor } from "./interceptors.js";

export interface Endpoint {
  readonly descriptor: RouteDescriptor;
  readonly contextRoute: ContextRoute;
  /** Whether the session is loaded for it. */
  readonly sessions: boolean;
  readonly guards: readonly GuardEntry[] | null;
  /** Controller and route middleware, compiled into one function. */
  readonly middleware: Chain | null;
  readonly interceptors: readonly CompiledInterceptor[] | null;
  /** Route, controller and app handlers, nearest first. */
  readonly exceptionHandlers: ExceptionHandlerTable | null;
}

/** The extension points an endpoint without any has. */
export const NO_EXTENSIONS = { middleware: null, interceptors: null, exceptionHandlers: null } as const;
