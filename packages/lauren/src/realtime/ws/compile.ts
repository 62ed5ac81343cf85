/**
 * Compiles `@wsController` classes into one record per gateway: path, guards, hook names,
 * the event → handler table and limits. The connection runtime only reads these records;
 * nothing looks at decorator metadata after start-up.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { refuseInheritedRole } from "../../app/compile-routes.js";
import type { Container } from "../../di/container.js";
import { dryRunOf } from "../../di/dry-run.js";
import type { Class } from "../../di/token.js";
import { ConfigurationError, InvalidModuleError } from "../../errors/index.js";
import type { RouteDescriptor } from "../../guards/execution-context.js";
import { type GuardEntry, GuardFactory, type GuardLike } from "../../guards/index.js";
import type { ContextRoute } from "../../http/handler-context.js";
import { type ClassMeta, readMeta } from "../../metadata/index.js";
import type { CompiledModule } from "../../modules/index.js";
import type { Endpoint } from "../../pipeline/endpoint.js";
import {
  type CompiledExceptionHandler,
  compileExceptionHandlers,
  type ExceptionHandlerLike,
  type ExceptionHandlerTable,
  handlerTable,
  USE_EXCEPTION_HANDLERS,
} from "../../pipeline/exception-handlers.js";
import { type CompiledInterceptor, compileInterceptors, type InterceptorLike, USE_INTERCEPTORS } from "../../pipeline/interceptors.js";
import { joinPath, Router } from "../../routing/index.js";
import {
  WS_CONNECT,
  WS_CONTROLLER,
  WS_DISCONNECT,
  WS_MESSAGE,
  type WsControllerMeta,
  type WsControllerOptions,
  type WsMessageMeta,
} from "./decorators.js";
import { compileOriginPolicy, type OriginPolicy } from "./origin.js";

export interface CompiledMessage {
  readonly method: string | symbol;
  readonly schema: StandardSchemaV1 | null;
  /** The gateway's descriptor with this handler's name, for interceptors and exception handlers. */
  readonly descriptor: RouteDescriptor;
  /** Global, gateway and handler interceptors around this message handler, or null. */
  readonly interceptors: readonly CompiledInterceptor[] | null;
  /** Handler, gateway and app exception handlers, nearest first, or null. */
  readonly exceptionHandlers: ExceptionHandlerTable | null;
}

export interface CompiledGateway extends Endpoint {
  readonly cls: Class<unknown>;
  readonly module: CompiledModule;
  readonly path: string;
  readonly label: string;
  readonly guards: readonly GuardEntry[] | null;
  readonly descriptor: RouteDescriptor;
  readonly contextRoute: ContextRoute;
  readonly sessions: boolean;
  readonly onConnect: string | symbol | null;
  readonly onDisconnect: string | symbol | null;
  readonly messages: ReadonlyMap<string, CompiledMessage>;
  /** Event names, as listed in the "unknown event" error frame. */
  readonly known: readonly string[];
  /** Who may open a socket from a browser page; see origin.ts. */
  readonly allowedOrigins: OriginPolicy;
  readonly heartbeat: number | null;
  readonly maxPayload: number;
  readonly maxBufferedBytes: number;
}

export interface GatewayCompileInput {
  modules: readonly CompiledModule[];
  container: Container;
  globalGuards: readonly GuardLike[];
  sessionsEnabled: boolean;
  /** The app's `wsAllowedOrigins`, for gateways that do not list their own. */
  appOrigins: OriginPolicy;
  globalInterceptors?: readonly CompiledInterceptor[];
  globalExceptionHandlers?: readonly CompiledExceptionHandler[];
}

export const WS_DEFAULTS = { maxPayload: 1024 * 1024, heartbeatInterval: 30_000, maxBufferedBytes: 4 * 1024 * 1024 } as const;

export function compileGateways(input: GatewayCompileInput): { router: Router<CompiledGateway>; gateways: CompiledGateway[] } {
  const router = new Router<CompiledGateway>();
  const gateways: CompiledGateway[] = [];
  const guards = new GuardFactory(input.container);
  for (const module of input.modules) {
    for (const cls of module.controllers) {
      const meta = readMeta(cls);
      const ws = meta?.kinds.get(WS_CONTROLLER) as WsControllerMeta | undefined;
      if (meta === undefined || ws === undefined) continue;
      refuseInheritedRole(module.name, cls, '@wsController("/path")');
      const gateway = compileGateway(input, module, cls, meta, ws, guards);
      router.add("GET", gateway.path, gateway, (g) => g.label, gateway.label);
      // Built per connection: a dry run checks its inject() calls now, not on the first connection.
      dryRunOf(input.container).checkClass(module, cls, `the WebSocket gateway ${cls.name}`);
      gateways.push(gateway);
    }
  }
  return { router, gateways };
}

function compileGateway(
  input: GatewayCompileInput,
  module: CompiledModule,
  cls: Class<unknown>,
  meta: ClassMeta,
  ws: WsControllerMeta,
  guardFactory: GuardFactory,
): CompiledGateway {
  const path = joinPath(ws.path, "");
  const label = `WS ${path} (${cls.name})`;
  const options = checkOptions(ws.options, label);
  let onConnect: string | symbol | null = null;
  let onDisconnect: string | symbol | null = null;
  const messages = new Map<string, CompiledMessage>();
  const guards: unknown[] = [...input.globalGuards, ...meta.guards];
  /** `@useInterceptors` and `@useExceptionHandlers` of the class or of one method. */
  const level = (kinds: ReadonlyMap<symbol, unknown>, usedBy: string) => ({
    interceptors: compileInterceptors(listed<InterceptorLike>(kinds, USE_INTERCEPTORS), input.container, module, usedBy),
    handlers: compileExceptionHandlers(listed<ExceptionHandlerLike>(kinds, USE_EXCEPTION_HANDLERS), input.container, module, usedBy),
  });
  const own = level(meta.kinds, label);
  const outer = [...(input.globalInterceptors ?? []), ...own.interceptors];
  const gatewayHandlers = own.handlers;
  const globalHandlers = input.globalExceptionHandlers ?? [];
  const metadata = new Map(meta.values);
  const descriptor: RouteDescriptor = {
    controller: cls,
    controllerName: cls.name,
    handlerName: "upgrade",
    method: "GET",
    route: path,
    metadata,
  };
  for (const [name, method] of meta.methods) {
    const where = `${cls.name}.${String(name)}`;
    if (typeof (cls.prototype as Record<string | symbol, unknown>)[name] !== "function") continue;
    if (method.kinds.has(WS_CONNECT)) {
      if (onConnect !== null)
        throw new InvalidModuleError(`${cls.name} has two @onConnect methods (${String(onConnect)} and ${String(name)}); keep one.`);
      onConnect = name;
      // Guards and metadata on the connect hook guard the upgrade, like the class's own.
      guards.push(...method.guards);
      for (const [k, v] of method.values) metadata.set(k, v);
    } else if (method.guards.length > 0) {
      throw new InvalidModuleError(
        `${where} has @useGuards, but gateway guards run once, before the upgrade: ` +
          `put them on ${cls.name} or on its @onConnect method.`,
      );
    }
    if (method.kinds.has(WS_DISCONNECT)) {
      if (onDisconnect !== null)
        throw new InvalidModuleError(`${cls.name} has two @onDisconnect methods (${String(onDisconnect)} and ${String(name)}); keep one.`);
      onDisconnect = name;
    }
    for (const message of (method.kinds.get(WS_MESSAGE) as WsMessageMeta[] | undefined) ?? []) {
      const taken = messages.get(message.event);
      if (taken !== undefined) {
        throw new InvalidModuleError(
          `${cls.name} handles the "${message.event}" event twice (${String(taken.method)} and ${String(name)}); one handler per event.`,
        );
      }
      const handlerLevel = level(method.kinds, where);
      const interceptors = [...outer, ...handlerLevel.interceptors];
      messages.set(message.event, {
        method: name,
        schema: message.options.data ?? null,
        // Interceptors read the class's @setMetadata values, overridden by the handler's own.
        descriptor: { ...descriptor, handlerName: String(name), metadata: new Map([...meta.values, ...method.values]) },
        interceptors: interceptors.length === 0 ? null : interceptors,
        exceptionHandlers: handlerTable(handlerLevel.handlers, gatewayHandlers, globalHandlers),
      });
    }
  }
  const sessions = input.sessionsEnabled && options.sessions !== false;
  const guardEntries = guards.map((g) => guardFactory.entry(g as GuardLike, module, label));
  return {
    cls,
    module,
    path,
    label,
    guards: guardEntries.length === 0 ? null : guardEntries,
    middleware: null,
    interceptors: outer.length === 0 ? null : outer,
    // For frames that reach no message handler (not JSON, unknown event…).
    exceptionHandlers: handlerTable(gatewayHandlers, globalHandlers),
    descriptor: onConnect === null ? descriptor : { ...descriptor, handlerName: String(onConnect) },
    contextRoute: {
      label,
      scope: module,
      sessionsOffReason: sessions
        ? null
        : input.sessionsEnabled
          ? "this gateway opts out of sessions ({ sessions: false }): remove that option to read the session"
          : "sessions are off: pass sessions: { secret } to LaurenFactory.create() to turn them on",
    },
    sessions,
    onConnect,
    onDisconnect,
    messages,
    known: [...messages.keys()],
    allowedOrigins: compileOriginPolicy(options.allowedOrigins, label) ?? input.appOrigins,
    heartbeat: options.heartbeatInterval === false ? null : (options.heartbeatInterval ?? WS_DEFAULTS.heartbeatInterval),
    maxPayload: options.maxPayload ?? WS_DEFAULTS.maxPayload,
    maxBufferedBytes: options.maxBufferedBytes ?? WS_DEFAULTS.maxBufferedBytes,
  };
}

/** A `@useInterceptors` / `@useExceptionHandlers` list recorded on a class or method. */
function listed<T>(kinds: ReadonlyMap<symbol, unknown>, key: symbol): T[] {
  return (kinds.get(key) as T[] | undefined) ?? [];
}

function checkOptions(options: WsControllerOptions, label: string): WsControllerOptions {
  const positive = (name: string, value: unknown): void => {
    if (value !== undefined && !(typeof value === "number" && Number.isInteger(value) && value > 0)) {
      throw new ConfigurationError(`${label}: ${name} must be a positive whole number, got ${String(value)}.`);
    }
  };
  positive("maxPayload", options.maxPayload);
  positive("maxBufferedBytes", options.maxBufferedBytes);
  if (options.heartbeatInterval !== false) positive("heartbeatInterval", options.heartbeatInterval);
  return options;
}
