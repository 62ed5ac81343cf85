/**
 * Middleware: plain functions `(ctx, next) => …` or classes with `use(ctx, next)` marked
 * `@middleware()` and built by the container (they may `inject()`). Global middleware runs
 * around routing; controller and route middleware (`@useMiddleware`) around the route's
 * session load, guards, validation and handler. Each list is compiled once into one
 * function; where there is none, the field is null and the request takes the direct path.
 */
import type { Container } from "../di/container.js";
import type { Class } from "../di/token.js";
import { StartupError } from "../errors/index.js";
import type { HttpResponse } from "../http/reply.js";
import { inheritKind, metaFrom, methodMetaFrom } from "../metadata/index.js";
import type { CompiledModule } from "../modules/index.js";
import type { MiddlewareContext } from "./context.js";
import type { ResponseView } from "./response.js";

/** What `next()` resolves to: the response so far. */
export type Next = () => Promise<ResponseView>;

/**
 * A middleware answers by calling `next()` (and returning what it resolves to, or nothing),
 * or by returning an HttpResponse (`reply(…)`), which replaces the response.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: lets `async (ctx, next) => { await next(); }` type-check
export type MiddlewareResult = HttpResponse | ResponseView | undefined | void;
export type MiddlewareFn = (ctx: MiddlewareContext, next: Next) => MiddlewareResult | Promise<MiddlewareResult>;

export interface Middleware {
  use(ctx: MiddlewareContext, next: Next): MiddlewareResult | Promise<MiddlewareResult>;
}

export type MiddlewareLike = MiddlewareFn | Class<Middleware> | Middleware;

/** A middleware class or function that is wired wrongly. */
export class InvalidMiddlewareError extends StartupError {}

export const MIDDLEWARE = Symbol("lauren.middleware");
export const USE_MIDDLEWARE = Symbol("lauren.useMiddleware");
// A subclass of a controller or gateway keeps its parent's, then adds its own.
inheritKind(USE_MIDDLEWARE);

/** Marks a class as middleware; the container builds it once (it may `inject()`). */
export function middleware() {
  return (target: Class<unknown>, context: ClassDecoratorContext): void => {
    if (typeof target.prototype?.use !== "function") {
      throw new InvalidMiddlewareError(`@middleware() class ${target.name} has no use(ctx, next) method; add one.`);
    }
    metaFrom(context.metadata).kinds.set(MIDDLEWARE, true);
  };
}

type ClassOrMethodContext = ClassDecoratorContext | ClassMethodDecoratorContext;

/** Adds middleware to every route of a controller, or to one route; outer first. */
export function useMiddleware(...list: MiddlewareLike[]) {
  return (_target: unknown, context: ClassOrMethodContext): void => {
    const kinds = context.kind === "class" ? metaFrom(context.metadata).kinds : methodMetaFrom(context.metadata, context.name).kinds;
    kinds.set(USE_MIDDLEWARE, [...((kinds.get(USE_MIDDLEWARE) as MiddlewareLike[] | undefined) ?? []), ...list]);
  };
}

export interface CompiledMiddleware {
  readonly name: string;
  readonly fn: MiddlewareFn;
}

const WHILE_DRAINING = Symbol("lauren.runsWhileDraining");

/**
 * Marks a built-in that only adds headers (request id, security headers, CORS), so it also
 * runs on the 503 answered during shutdown, when the app's other middleware no longer does.
 */
export function runsWhileDraining(fn: MiddlewareFn): MiddlewareFn {
  (fn as MiddlewareFn & { [WHILE_DRAINING]?: true })[WHILE_DRAINING] = true;
  return fn;
}

/** The layers of a global list that still run during shutdown. */
export function drainingLayers(list: readonly CompiledMiddleware[]): CompiledMiddleware[] {
  return list.filter((m) => (m.fn as MiddlewareFn & { [WHILE_DRAINING]?: true })[WHILE_DRAINING] === true);
}

function isClass(value: unknown): value is Class<Middleware> {
  return typeof value === "function" && typeof (value as { prototype?: { use?: unknown } }).prototype?.use === "function";
}

/** Turns each entry into a function; classes are built here, once. */
export function compileMiddleware(
  list: readonly MiddlewareLike[],
  container: Container,
  scope: CompiledModule,
  usedBy: string,
): CompiledMiddleware[] {
  return list.map((entry) => {
    if (isClass(entry)) {
      const instance = (
        container.lookup(scope, entry) !== undefined ? container.get(scope, entry, usedBy) : container.construct(scope, entry)
      ) as Middleware;
      return { name: entry.name, fn: (ctx, next) => instance.use(ctx, next) };
    }
    if (typeof entry === "function") return { name: entry.name || "anonymous middleware", fn: entry as MiddlewareFn };
    if (typeof entry === "object" && entry !== null && typeof (entry as Middleware).use === "function") {
      const instance = entry as Middleware;
      return { name: instance.constructor?.name ?? "middleware", fn: (ctx, next) => instance.use(ctx, next) };
    }
    throw new InvalidMiddlewareError(
      `${usedBy} lists ${String(entry)} as middleware. Middleware is a function (ctx, next) => …, ` +
        "a @middleware() class with use(ctx, next), or an object with a use method.",
    );
  });
}
