import { DecoratorUsageError } from "../errors/index.js";

/**
 * The type a misused decorator evaluates to. A decorator factory used bare (`@injectable`) or
 * a plain decorator called (`@postConstruct()`) resolves to an overload returning this text,
 * so the compiler's error quotes the fix instead of a signature mismatch (an interface, so the
 * text is printed as written rather than widened to `string`).
 */
export interface DecoratorMisuse<Fix extends string> {
  readonly fix: Fix;
}

/**
 * With standard decorators `@controller` (bare) calls `controller(Class, context)`; the
 * factory would then silently return a no-op. Spot that shape and say how to write it.
 */
export function assertCalled(name: string, first: unknown, second: unknown, example: string): void {
  if (
    typeof first === "function" &&
    typeof second === "object" &&
    second !== null &&
    typeof (second as { kind?: unknown }).kind === "string"
  ) {
    throw new DecoratorUsageError(`@${name} must be called with its arguments: write ${example}, not @${name}.`);
  }
}

export function assertKind(name: string, context: { kind: string }, allowed: readonly string[]): void {
  if (!allowed.includes(context.kind)) {
    throw new DecoratorUsageError(`@${name} cannot decorate a ${context.kind}; use it on a ${allowed.join(" or ")}.`);
  }
}

/**
 * For decorators whose only argument is an options object: used bare, that argument is the
 * decorated class itself, which no options object is.
 */
export function assertOptions(name: string, options: unknown, example: string): void {
  if (typeof options === "function") {
    throw new DecoratorUsageError(`@${name} must be called with its arguments: write ${example}, not @${name}.`);
  }
}
