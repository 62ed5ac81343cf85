/**
 * Turns controllers into one precompiled record per route: the bound handler, its guards,
 * which inputs to validate and whether it touches the session. The dispatcher branches on
 * these fields (null = skip) and never reads decorator metadata at request time.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { CookieKit } from "../cookies/index.js";
import type { ControllerMeta, ControllerOptions } from "../decorators/controller.js";
import { CONTROLLER, ROUTE } from "../decorators/kinds.js";
import type { RouteMeta, RouteOptions } from "../decorators/routes.js";
import type { Container } from "../di/container.js";
import { dryRunOf } from "../di/dry-run.js";
import { Scope } from "../di/providers.js";
import type { Class } from "../di/token.js";
import { InvalidModuleError } from "../errors/index.js";
import { type ResolvedLimits, resolveLimits, type UploadLimits } from "../forms/index.js";
import type { RouteDescriptor } from "../guards/execution-context.js";
import { type GuardEntry, GuardFactory, type GuardLike } from "../guards/index.js";
import { type CompressionPolicy, ownPolicy } from "../http/compress.js";
import type { ContextRoute } from "../http/handler-context.js";
import { compileResponseSerializers, type Serialize, type SerializerFor } from "../http/serialize.js";
import type { Logger } from "../logging/index.js";
import { type ClassMeta, isDecorated, readMeta } from "../metadata/index.js";
import { type CompiledModule, declaredScope } from "../modules/index.js";
import { isResponseKind } from "../openapi/kinds.js";
import { type Chain, compose } from "../pipeline/compose.js";
import type { Endpoint } from "../pipeline/endpoint.js";
import {
  type CompiledExceptionHandler,
  compileExceptionHandlers,
  type ExceptionHandlerLike,
  handlerTable,
  USE_EXCEPTION_HANDLERS,
} from "../pipeline/exception-handlers.js";
import { type CompiledInterceptor, compileInterceptors, type InterceptorLike, USE_INTERCEPTORS } from "../pipeline/interceptors.js";
import { compileMiddleware, type MiddlewareLike, USE_MIDDLEWARE } from "../pipeline/middleware.js";
import { joinPath, Router } from "../routing/index.js";
import { type CrossOriginPolicy, type CsrfTokenCheck, SAFE_METHODS } from "../sessions/index.js";

export interface CompiledRoute extends Endpoint {
  readonly method: string;
  readonly path: string;
  readonly descriptor: RouteDescriptor;
  readonly contextRoute: ContextRoute;
  readonly controller: object;
  /** Set for a request-scoped controller: the class to build for each request (null: use `controller`). */
  readonly controllerClass: Class<unknown> | null;
  readonly handler: (ctx: unknown) => unknown;
  readonly guards: readonly GuardEntry[] | null;
  readonly body: StandardSchemaV1 | null;
  readonly params: StandardSchemaV1 | null;
  readonly query: StandardSchemaV1 | null;
  readonly headers: StandardSchemaV1 | null;
  readonly cookies: StandardSchemaV1 | null;
  /** Cookie names whose signature is checked before `cookies` validation (a bad one reads as absent). */
  readonly signedCookies: readonly string[] | null;
  /** The form schema and upload limits, or null when the route takes no form. */
  readonly form: FormPlan | null;
  readonly status: number;
  readonly sessions: boolean;
  /** Cross-origin protection: set only on unsafe methods of session routes that did not opt out. */
  readonly crossOrigin: CrossOriginPolicy | null;
  /** The synchronizer-token check, on the same routes, when the app opted in. */
  readonly csrf: CsrfTokenCheck | null;
  /** gzip/brotli for this route's responses, or null (the route never reads Accept-Encoding). */
  readonly compression: CompressionPolicy | null;
  /** The compiled serializer of a plain value's body (drops undeclared fields), or null: JSON.stringify. */
  readonly serialize: Serialize | null;
  /** The serializers of replies and NDJSON streams by status, or null when the route declares no schema. */
  readonly serializers: SerializerFor | null;
  readonly options: RouteOptions;
  readonly controllerOptions: ControllerOptions;
  readonly module: CompiledModule;
}

export interface FormPlan {
  readonly schema: StandardSchemaV1;
  readonly limits: ResolvedLimits;
}

export interface RouteCompileInput {
  modules: readonly CompiledModule[];
  container: Container;
  globalGuards: readonly GuardLike[];
  sessionsEnabled: boolean;
  crossOrigin?: CrossOriginPolicy | null;
  csrf?: CsrfTokenCheck | null;
  /** The app's compression policy, or null when compression is off by default. */
  compression?: CompressionPolicy | null;
  /** The app's logger, behind `ctx.log`. */
  logger?: Logger;
  /** App-wide interceptors, compiled once (outermost). */
  globalInterceptors?: readonly CompiledInterceptor[];
  /** App-wide exception handlers, compiled once (consulted last). */
  globalExceptionHandlers?: readonly CompiledExceptionHandler[];
  /** App-wide upload limits (`LaurenOptions.uploads`). */
  uploads?: UploadLimits | undefined;
  /** The app's cookie settings, shared by every route's context. */
  cookieKit?: CookieKit;
  /** Check each response body with the route's response schema validator before sending it. */
  validateResponses?: boolean;
}

export function compileRoutes(input: RouteCompileInput): { router: Router<CompiledRoute>; routes: CompiledRoute[] } {
  const router = new Router<CompiledRoute>();
  const routes: CompiledRoute[] = [];
  const guards = new GuardFactory(input.container);
  for (const module of input.modules) {
    for (const cls of module.controllers) {
      const meta = readMeta(cls);
      const ctrl = meta?.kinds.get(CONTROLLER) as ControllerMeta | undefined;
      if (meta === undefined || ctrl === undefined) {
        if (isOtherController(meta)) continue;
        throw new InvalidModuleError(`${module.name} lists ${cls.name} as a controller, but it has no @controller("/prefix") decorator.`);
      }
      refuseInheritedRole(module.name, cls, '@controller("/prefix")');
      // A request-scoped controller is built per request (its handlers are on the prototype)
      // and its inject() calls are checked now by a dry run; a singleton one is built now.
      const perRequest = (ctrl.options.scope ?? declaredScope(cls)) !== Scope.SINGLETON;
      if (perRequest) dryRunOf(input.container).checkClass(module, cls, `the request-scoped controller ${cls.name}`);
      const instance = (perRequest ? cls.prototype : input.container.construct(module, cls)) as Record<string | symbol, unknown>;
      for (const [name, methodMeta] of meta.methods) {
        const declared = methodMeta.kinds.get(ROUTE) as readonly RouteMeta[] | undefined;
        for (const routeMeta of declared ?? []) {
          const compiled = compileRoute({ input, module, cls, meta, ctrl, instance, perRequest, name, routeMeta, guards });
          router.add(compiled.method, compiled.path, compiled, (r) => r.contextRoute.label, compiled.contextRoute.label);
          routes.push(compiled);
        }
      }
    }
  }
  return { router, routes };
}

/**
 * An undecorated subclass of a controller would be served as a copy of its parent, at the
 * parent's paths; being a controller is not inherited, so it must say so itself.
 */
export function refuseInheritedRole(moduleName: string, cls: Class<unknown>, decorator: string): void {
  if (isDecorated(cls)) return;
  const parent = Object.getPrototypeOf(cls) as { name?: string };
  throw new InvalidModuleError(
    `${moduleName} lists ${cls.name} as a controller, but only its parent ${parent.name ?? "class"} is decorated. ` +
      `A subclass inherits routes, guards, middleware and handlers, not the role: add ${decorator} to ${cls.name}.`,
  );
}

/** Controllers of other kinds (WebSocket gateways) are compiled elsewhere. */
const otherControllerKinds = new Set<symbol>();
export function registerControllerKind(kind: symbol): void {
  otherControllerKinds.add(kind);
}
export function isOtherController(meta: ClassMeta | undefined): boolean {
  if (meta === undefined) return false;
  for (const kind of otherControllerKinds) if (meta.kinds.has(kind)) return true;
  return false;
}

interface OneRoute {
  input: RouteCompileInput;
  module: CompiledModule;
  cls: Class<unknown>;
  meta: ClassMeta;
  ctrl: ControllerMeta;
  instance: Record<string | symbol, unknown>;
  perRequest: boolean;
  name: string | symbol;
  routeMeta: RouteMeta;
  guards: GuardFactory;
}

function compileRoute(r: OneRoute): CompiledRoute {
  const { routeMeta, ctrl, cls, meta, name } = r;
  const methodMeta = meta.methods.get(name);
  const handler = r.instance[name];
  const handlerName = String(name);
  const path = joinPath(ctrl.prefix, routeMeta.path);
  const label = `${routeMeta.method} ${path} (${cls.name}.${handlerName})`;
  if (typeof handler !== "function") throw new InvalidModuleError(`${label} is not a method.`);
  const options = routeMeta.options;
  const sessions = r.input.sessionsEnabled && options.sessions !== false && ctrl.options.sessions !== false;
  const protect = sessions && !SAFE_METHODS.has(routeMeta.method) && options.crossOrigin !== false && ctrl.options.crossOrigin !== false;
  const metadata = new Map(meta.values);
  for (const [k, v] of methodMeta?.values ?? []) metadata.set(k, v);
  const guardList = [...r.input.globalGuards, ...meta.guards, ...(methodMeta?.guards ?? [])].map((g) =>
    r.guards.entry(g as GuardLike, r.module, label),
  );
  const ext = compileExtensions(r, methodMeta, label);
  const sessionsOffReason = sessions
    ? null
    : !r.input.sessionsEnabled
      ? "sessions are off: pass sessions: { secret } to LaurenFactory.create() to turn them on"
      : "this route opts out of sessions ({ sessions: false }): remove that option to use the session here";
  return {
    method: routeMeta.method,
    path,
    descriptor: { controller: cls, controllerName: cls.name, handlerName, method: routeMeta.method, route: path, metadata },
    contextRoute: {
      label,
      scope: r.module,
      sessionsOffReason,
      ...(r.input.logger === undefined ? {} : { logger: r.input.logger }),
      ...(r.input.cookieKit === undefined ? {} : { cookieKit: r.input.cookieKit }),
    },
    controller: r.instance,
    controllerClass: r.perRequest ? cls : null,
    handler: handler as (ctx: unknown) => unknown,
    guards: guardList.length === 0 ? null : guardList,
    ...ext,
    body: options.body ?? null,
    params: options.params ?? null,
    query: options.query ?? null,
    headers: options.headers ?? null,
    cookies: options.cookies ?? null,
    signedCookies: options.signedCookies === undefined || options.signedCookies.length === 0 ? null : options.signedCookies,
    form: options.form === undefined ? null : { schema: options.form, limits: resolveLimits(r.input.uploads, options.limits, label) },
    status: options.status ?? 200,
    sessions,
    crossOrigin: protect ? (r.input.crossOrigin ?? null) : null,
    csrf: protect ? (r.input.csrf ?? null) : null,
    compression: ownPolicy(options.compress, r.input.compression ?? null),
    ...routeSerializers(options, label, r.input),
    options,
    controllerOptions: ctrl.options,
    module: r.module,
  };
}

/**
 * The route's serializers. A file or stream declaration (`fileOf()`…) has no JSON body to
 * write; `ndjsonOf(Item)` writes each line with Item, never a plain value.
 */
function routeSerializers(
  options: RouteOptions,
  label: string,
  input: RouteCompileInput,
): { serialize: Serialize | null; serializers: SerializerFor | null } {
  const base = {
    status: options.status ?? 200,
    responses: options.responses,
    label,
    validate: input.validateResponses === true,
    warn: (message: string) => input.logger?.warn(message),
  };
  const { response } = options;
  if (!isResponseKind(response)) return compileResponseSerializers({ ...base, response });
  const lines = response.kind === "ndjson" ? (response.item ?? undefined) : undefined;
  return { serialize: null, serializers: compileResponseSerializers({ ...base, response: lines }).serializers };
}

/** Middleware, interceptors and exception handlers of one route: class level, then method level. */
function compileExtensions(
  r: OneRoute,
  methodMeta: ClassMeta["methods"] extends Map<unknown, infer M> ? M | undefined : never,
  label: string,
): Pick<Endpoint, "middleware" | "interceptors" | "exceptionHandlers"> {
  const { container } = r.input;
  const classKinds = r.meta.kinds;
  const methodKinds = methodMeta?.kinds;
  const listOf = <T>(key: symbol): T[] => [
    ...((classKinds.get(key) as T[] | undefined) ?? []),
    ...((methodKinds?.get(key) as T[] | undefined) ?? []),
  ];
  const middleware = compileMiddleware(listOf<MiddlewareLike>(USE_MIDDLEWARE), container, r.module, label);
  const interceptors = [
    ...(r.input.globalInterceptors ?? []),
    ...compileInterceptors(listOf<InterceptorLike>(USE_INTERCEPTORS), container, r.module, label),
  ];
  const routeHandlers = compileExceptionHandlers(
    (methodKinds?.get(USE_EXCEPTION_HANDLERS) as ExceptionHandlerLike[] | undefined) ?? [],
    container,
    r.module,
    label,
  );
  const controllerHandlers = compileExceptionHandlers(
    (classKinds.get(USE_EXCEPTION_HANDLERS) as ExceptionHandlerLike[] | undefined) ?? [],
    container,
    r.module,
    label,
  );
  return {
    middleware: middleware.length === 0 ? null : (compose(middleware) as Chain),
    interceptors: interceptors.length === 0 ? null : interceptors,
    exceptionHandlers: handlerTable(routeHandlers, controllerHandlers, r.input.globalExceptionHandlers ?? []),
  };
}
