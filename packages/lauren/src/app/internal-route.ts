/**
 * Framework-owned GET routes (the OpenAPI document, the docs UI and its assets) compiled into
 * the same record as user routes, so they go through the one router and dispatcher: HEAD,
 * OPTIONS, 405 and draining behave exactly as for any other route. They skip sessions and
 * guards, and are hidden from the OpenAPI document.
 */
import { RouteConflictError } from "../errors/index.js";
import type { CompiledModule } from "../modules/index.js";
import { joinPath, type Router } from "../routing/index.js";
import type { CompiledRoute } from "./compile-routes.js";

/** Stands in for a controller class in guard descriptors and labels. */
class Lauren {}

export interface InternalRouteInput {
  /** Where it is served, as configured (`/docs`). */
  path: string;
  /** The option that put it there (`docsUrl`), named in conflict messages. */
  option: string;
  handlerName: string;
  handler: (ctx: unknown) => unknown;
  module: CompiledModule;
}

export function internalRoute(input: InternalRouteInput): CompiledRoute {
  const path = joinPath("", input.path);
  const owner = `the ${input.option} option`;
  return {
    method: "GET",
    path,
    descriptor: {
      controller: Lauren,
      controllerName: "Lauren",
      handlerName: input.handlerName,
      method: "GET",
      route: path,
      metadata: new Map(),
    },
    contextRoute: {
      label: `GET ${path} (${owner})`,
      scope: input.module,
      sessionsOffReason: `${owner} serves framework content without sessions`,
    },
    controller: Lauren,
    controllerClass: null,
    handler: input.handler,
    guards: null,
    middleware: null,
    interceptors: null,
    exceptionHandlers: null,
    body: null,
    params: null,
    query: null,
    headers: null,
    cookies: null,
    signedCookies: null,
    form: null,
    status: 200,
    sessions: false,
    crossOrigin: null,
    csrf: null,
    compression: null,
    serialize: null,
    serializers: null,
    options: { hidden: true, sessions: false },
    controllerOptions: {},
    module: input.module,
  };
}

/**
 * Builds a framework route and adds it after the user's. A clash names both sides and the
 * option to change, since the user's route is the one they mean to keep.
 */
export function mountInternalRoute(router: Router<CompiledRoute>, routes: CompiledRoute[], input: InternalRouteInput): void {
  const route = internalRoute(input);
  try {
    router.add(route.method, route.path, route, (r) => r.contextRoute.label, route.contextRoute.label);
  } catch (err) {
    if (!(err instanceof RouteConflictError)) throw err;
    throw new RouteConflictError(`${err.message} To keep your route, set ${input.option} to another path (or null to turn it off).`);
  }
  routes.push(route);
}
