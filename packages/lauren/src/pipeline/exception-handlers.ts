/**
 * Exception handlers turn errors into responses. Each is bound to error classes; for a
 * thrown error the handler bound to its nearest class wins, looked up on the route first,
 * then its controller, then the app. A handler returns a response (`reply(…)`), or an
 * HttpError to answer with, or rethrows; what it throws is answered by the default writer.
 */
import type { Container } from "../di/container.js";
import type { Class } from "../di/token.js";
import { StartupError } from "../errors/index.js";
import type { RouteDescriptor } from "../guards/execution-context.js";
import type { LaurenRequest } from "../http/request.js";
import type { Logger } from "../logging/index.js";
import { inheritKind, metaFrom, methodMetaFrom, readMeta } from "../metadata/index.js";
import type { CompiledModule } from "../modules/index.js";
import type { WebSocketConnection } from "../realtime/ws/connection.js";

/** What a handler learns about where the error happened. */
export interface ErrorContext {
  /** The request; for a WebSocket message, the upgrade request of its connection. */
  readonly request: LaurenRequest;
  /**
   * The route, or null when the error came before routing (global middleware, 404, 405).
   * For a WebSocket message: its gateway, with the message handler as `handlerName`.
   */
  readonly route: RouteDescriptor | null;
  readonly requestId: string | null;
  readonly log: Logger;
  /** Set only for a WebSocket message: the connection it came on. */
  readonly ws?: WebSocketConnection;
  /** Set only for a WebSocket message: its event, or null when the frame named none. */
  readonly event?: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: error classes have any constructor signature
export type ErrorClass<E = unknown> = abstract new (...args: any[]) => E;

export interface ExceptionHandler<E = unknown> {
  catch(error: E, ctx: ErrorContext): unknown;
}
export type ExceptionHandlerFn<E = unknown> = (error: E, ctx: ErrorContext) => unknown;

/** A function handler with the classes it handles, made by `onError()`. */
export interface ExceptionHandlerDef {
  readonly classes: readonly ErrorClass[];
  readonly fn: ExceptionHandlerFn<never>;
}

export type ExceptionHandlerLike = Class<ExceptionHandler<never>> | ExceptionHandlerDef;

export class InvalidExceptionHandlerError extends StartupError {}

export const EXCEPTION_HANDLER = Symbol("lauren.exceptionHandler");
export const USE_EXCEPTION_HANDLERS = Symbol("lauren.useExceptionHandlers");
// A subclass of a controller or gateway keeps its parent's, then adds its own.
inheritKind(USE_EXCEPTION_HANDLERS);

/** Marks a class with `catch(error, ctx)` as the handler for these error classes. */
export function exceptionHandler(...classes: ErrorClass[]) {
  if (classes.length === 0 || classes.some((c) => typeof c !== "function")) {
    throw new InvalidExceptionHandlerError("@exceptionHandler needs the error classes it handles: @exceptionHandler(NotFoundError).");
  }
  return (target: Class<unknown>, context: ClassDecoratorContext): void => {
    if (typeof target.prototype?.catch !== "function") {
      throw new InvalidExceptionHandlerError(`@exceptionHandler class ${target.name} has no catch(error, ctx) method; add one.`);
    }
    metaFrom(context.metadata).kinds.set(EXCEPTION_HANDLER, classes);
  };
}

/** A function handler: `onError(RateLimited, (err) => reply({ wait: err.seconds }, { status: 429 }))`. */
export function onError<E>(classes: ErrorClass<E> | readonly ErrorClass<E>[], fn: ExceptionHandlerFn<E>): ExceptionHandlerDef {
  const list = (Array.isArray(classes) ? classes : [classes]) as ErrorClass[];
  if (list.length === 0 || list.some((c) => typeof c !== "function") || typeof fn !== "function") {
    throw new InvalidExceptionHandlerError("onError(ErrorClass, (error, ctx) => response) needs error classes and a function.");
  }
  return { classes: list, fn: fn as ExceptionHandlerFn<never> };
}

/**
 * Adds exception handlers to every route of a controller, or to one route. Between two
 * handlers of the same class at one level the one listed first wins; decorators run bottom
 * up and a subclass's run after its parent's, so each goes in front: the topmost decorator,
 * and a subclass's over its parent's.
 */
export function useExceptionHandlers(...list: ExceptionHandlerLike[]) {
  return (_target: unknown, context: ClassDecoratorContext | ClassMethodDecoratorContext): void => {
    const kinds = context.kind === "class" ? metaFrom(context.metadata).kinds : methodMetaFrom(context.metadata, context.name).kinds;
    kinds.set(USE_EXCEPTION_HANDLERS, [...list, ...((kinds.get(USE_EXCEPTION_HANDLERS) as ExceptionHandlerLike[] | undefined) ?? [])]);
  };
}

export interface CompiledExceptionHandler {
  readonly name: string;
  readonly classes: readonly ErrorClass[];
  readonly fn: ExceptionHandlerFn<unknown>;
}

/** Levels, nearest first (route, controller, app); each null or non-empty. */
export type ExceptionHandlerTable = readonly (readonly CompiledExceptionHandler[])[];

export function compileExceptionHandlers(
  list: readonly ExceptionHandlerLike[],
  container: Container,
  scope: CompiledModule,
  usedBy: string,
): CompiledExceptionHandler[] {
  return list.map((entry) => {
    if (typeof entry === "function") {
      const classes = readMeta(entry)?.kinds.get(EXCEPTION_HANDLER) as readonly ErrorClass[] | undefined;
      if (classes === undefined) {
        throw new InvalidExceptionHandlerError(
          `${usedBy} lists ${entry.name} as an exception handler, but it has no @exceptionHandler(ErrorClass) decorator.`,
        );
      }
      const instance = (
        container.lookup(scope, entry) !== undefined ? container.get(scope, entry, usedBy) : container.construct(scope, entry)
      ) as ExceptionHandler<unknown>;
      return { name: entry.name, classes, fn: (error, ctx) => instance.catch(error, ctx) };
    }
    if (typeof entry === "object" && entry !== null && Array.isArray(entry.classes) && typeof entry.fn === "function") {
      return {
        name: entry.fn.name || `handler for ${entry.classes.map((c) => c.name).join(", ")}`,
        classes: entry.classes,
        fn: entry.fn as ExceptionHandlerFn<unknown>,
      };
    }
    throw new InvalidExceptionHandlerError(
      `${usedBy} lists ${String(entry)} as an exception handler. Use an @exceptionHandler(ErrorClass) class with catch(error, ctx), ` +
        "or onError(ErrorClass, (error, ctx) => response).",
    );
  });
}

/** How many prototype steps from the error up to `cls`, or -1 when it is not one. */
function distance(error: unknown, cls: ErrorClass): number {
  if (typeof error !== "object" || error === null) return -1;
  let proto = Object.getPrototypeOf(error);
  for (let d = 0; proto !== null; d++) {
    if (proto === cls.prototype) return d;
    proto = Object.getPrototypeOf(proto);
  }
  return -1;
}

/** The handler for `error`: nearest level first, and within a level the nearest class. */
export function findExceptionHandler(table: ExceptionHandlerTable, error: unknown): CompiledExceptionHandler | null {
  for (const level of table) {
    let best: CompiledExceptionHandler | null = null;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const handler of level) {
      for (const cls of handler.classes) {
        const d = distance(error, cls);
        if (d !== -1 && d < bestDistance) {
          best = handler;
          bestDistance = d;
        }
      }
    }
    if (best !== null) return best;
  }
  return null;
}

/** The table for one endpoint, or null when no level has handlers. */
export function handlerTable(...levels: (readonly CompiledExceptionHandler[])[]): ExceptionHandlerTable | null {
  const present = levels.filter((l) => l.length > 0);
  return present.length === 0 ? null : present;
}
