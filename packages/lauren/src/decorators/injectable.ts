import { Scope } from "../di/providers.js";
import type { Class } from "../di/token.js";
import { metaFrom } from "../metadata/index.js";
import { INJECTABLE } from "./kinds.js";
import { assertOptions, type DecoratorMisuse } from "./usage.js";

export interface InjectableOptions {
  scope?: Scope;
}

/** Marks a class as a provider and sets its scope (singleton unless told otherwise). */
export function injectable(
  target: Class<unknown>,
  context: ClassDecoratorContext,
): DecoratorMisuse<"@injectable needs parentheses: write @injectable()">;
export function injectable(options?: InjectableOptions): (target: Class<unknown>, context: ClassDecoratorContext) => void;
export function injectable(options: InjectableOptions | Class<unknown> = {}, _context?: unknown): unknown {
  assertOptions("injectable", options, "@injectable() or @injectable({ scope: Scope.REQUEST })");
  const scope = (options as InjectableOptions).scope ?? Scope.SINGLETON;
  return (_target: Class<unknown>, context: ClassDecoratorContext): void => {
    metaFrom(context.metadata).kinds.set(INJECTABLE, { scope });
  };
}
