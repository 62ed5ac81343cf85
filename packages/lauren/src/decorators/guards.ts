import type { GuardLike } from "../guards/types.js";
import { metaFrom, methodMetaFrom } from "../metadata/index.js";
import { assertCalled } from "./usage.js";

type ClassOrMethodContext = ClassDecoratorContext | ClassMethodDecoratorContext;

/**
 * Runs guards before the handler (and before any body is read). On a class they cover
 * every route; on a method they run after the class's guards. Guards are classes built by
 * the container (they may `inject()`), or ready instances.
 */
export function useGuards(...guards: GuardLike[]) {
  assertCalled("useGuards", guards[0], guards[1], "@useGuards(BadgeGuard)");
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
