import type { GuardLike } from "../guards/types.js";
import { metaFrom, methodMetaFrom } from "../metadata/index.js";
import { assertCalled, type DecoratorMisuse } from "./usage.js";

type ClassOrMethodContext = ClassDecoratorContext | ClassMethodDecoratorContext;

/**
 * Runs guards before the handler (and before any body is read). On a class they cover
 * every route; on a method they run after the class's guards. Guards are classes built by
 * the container (they may `inject()`), or ready instances.
 */
export function useGuards(
  target: (...args: never[]) => unknown,
  context: ClassOrMethodContext,
): DecoratorMisuse<"@useGuards needs the guards: write @useGuards(MyGuard)">;
export function useGuards(...guards: GuardLike[]): (target: unknown, context: ClassOrMethodContext) => void;
export function useGuards(...args: unknown[]): unknown {
  assertCalled("useGuards", args[0], args[1], "@useGuards(BadgeGuard)");
  const guards = args as GuardLike[];
  return (_target: unknown, context: ClassOrMethodContext): void => {
    if (context.kind === "class") metaFrom(context.metadata).guards.push(...guards);
    else methodMetaFrom(context.metadata, context.name).guards.push(...guards);
  };
}

/** Attaches a value that guards read with `ctx.getMetadata(key)` (roles, scopes, flags). */
export function setMetadata(key: string | symbol, value: unknown) {
  assertCalled("setMetadata", key, value, '@setMetadata("roles", ["admin"])');
  return (_target: unknown, context: ClassOrMethodContext): void => {
    if (context.kind === "class") metaFrom(context.metadata).values.set(key, value);
    else methodMetaFrom(context.metadata, context.name).values.set(key, value);
  };
}
