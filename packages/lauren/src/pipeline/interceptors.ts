/**
 * Interceptors wrap the handler, after guards and validation: they see the
 * ExecutionContext and the handler's result before it is written, and may map it, time it,
 * cache it or answer without calling the handler. The same interceptors run around HTTP
 * handlers and WebSocket message handlers (`ctx.type` tells them apart).
 */
import type { Container } from "../di/container.js";
import type { Class } from "../di/token.js";
import { StartupError } from "../errors/index.js";
import type { ExecutionContext } from "../guards/execution-context.js";
import { inheritKind, metaFrom, methodMetaFrom } from "../metadata/index.js";
import type { CompiledModule } from "../modules/index.js";
import { MiddlewareError } from "./compose.js";

/** Calls the next interceptor, and finally the handler; resolves to the handler's result. */
export type CallNext = () => Promise<unknown>;

export interface Interceptor {
  intercept(ctx: ExecutionContext, next: CallNext): unknown;
}
export type InterceptorFn = (ctx: ExecutionContext, next: CallNext) => unknown;
export type InterceptorLike = InterceptorFn | Class<Interceptor> | Interceptor;

export class InvalidInterceptorError extends StartupError {}

export const INTERCEPTOR = Symbol("lauren.interceptor");
export const USE_INTERCEPTORS = Symbol("lauren.useInterceptors");
// A subclass of a controller or gateway keeps its parent's, then adds its own.
inheritKind(USE_INTERCEPTORS);

/** Marks a class as an interceptor; the container builds it once (it may `inject()`). */
export function interceptor() {
  return (target: Class<unknown>, context: ClassDecoratorContext): void => {
    if (typeof target.prototype?.intercept !== "function") {
      throw new InvalidInterceptorError(`@interceptor() class ${target.name} has no intercept(ctx, next) method; add one.`);
    }
    metaFrom(context.metadata).kinds.set(INTERCEPTOR, true);
  };
}

/** Adds interceptors to every handler of a controller or gateway, or to one handler; outer first. */
export function useInterceptors(...list: InterceptorLike[]) {
  return (_target: unknown, context: ClassDecoratorContext | ClassMethodDecoratorContext): void => {
    const kinds = context.kind === "class" ? metaFrom(context.metadata).kinds : methodMetaFrom(context.metadata, context.name).kinds;
    kinds.set(USE_INTERCEPTORS, [...((kinds.get(USE_INTERCEPTORS) as InterceptorLike[] | undefined) ?? []), ...list]);
  };
}

export interface CompiledInterceptor {
  readonly name: string;
  readonly fn: InterceptorFn;
}

export function compileInterceptors(
  list: readonly InterceptorLike[],
  container: Container,
  scope: CompiledModule,
  usedBy: string,
): CompiledInterceptor[] {
  return list.map((entry) => {
    if (typeof entry === "function" && typeof (entry as { prototype?: { intercept?: unknown } }).prototype?.intercept === "function") {
      const cls = entry as Class<Interceptor>;
      const instance = container.lookup(scope, cls) !== undefined ? container.get(scope, cls, usedBy) : container.construct(scope, cls);
      return { name: cls.name, fn: (ctx, next) => instance.intercept(ctx, next) };
    }
    if (typeof entry === "function") return { name: entry.name || "anonymous interceptor", fn: entry as InterceptorFn };
    if (typeof entry === "object" && entry !== null && typeof (entry as Interceptor).intercept === "function") {
      const instance = entry as Interceptor;
      return { name: instance.constructor?.name ?? "interceptor", fn: (ctx, next) => instance.intercept(ctx, next) };
    }
    throw new InvalidInterceptorError(
      `${usedBy} lists ${String(entry)} as an interceptor. An interceptor is a function (ctx, next) => …, ` +
        "an @interceptor() class with intercept(ctx, next), or an object with an intercept method.",
    );
  });
}

/** Runs the chain around `handler`; resolves to what the outermost interceptor returns. */
export function runInterceptors(list: readonly CompiledInterceptor[], ctx: ExecutionContext, handler: () => unknown): Promise<unknown> {
  let index = -1;
  const dispatch = async (i: number): Promise<unknown> => {
    if (i <= index) throw new MiddlewareError(`${(list[i - 1] as CompiledInterceptor).name} called next() twice`);
    index = i;
    if (i === list.length) return handler();
    return (list[i] as CompiledInterceptor).fn(ctx, () => dispatch(i + 1));
  };
  return dispatch(0);
}
