import type { Class } from "../di/token.js";
import { metaFrom } from "../metadata/index.js";
import type { ModuleOptions } from "../modules/definition.js";
import { MODULE } from "./kinds.js";
import { assertOptions, type DecoratorMisuse } from "./usage.js";

export type { DynamicModule, ModuleImport, ModuleOptions } from "../modules/definition.js";

/** Declares a module: a unit of controllers and providers with an explicit public surface. */
export function module(
  target: Class<unknown>,
  context: ClassDecoratorContext,
): DecoratorMisuse<"@module needs its options: write @module({ controllers, providers })">;
export function module(options?: ModuleOptions): (target: Class<unknown>, context: ClassDecoratorContext) => void;
export function module(options: ModuleOptions | Class<unknown> = {}, _context?: unknown): unknown {
  assertOptions("module", options, "@module({ controllers, providers, imports, exports })");
  return (_target: Class<unknown>, context: ClassDecoratorContext): void => {
    metaFrom(context.metadata).kinds.set(MODULE, { ...(options as ModuleOptions) });
  };
}
