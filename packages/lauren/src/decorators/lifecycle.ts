import { DecoratorUsageError } from "../errors/index.js";
import { inheritKind, metaFrom } from "../metadata/index.js";
import { POST_CONSTRUCT, PRE_DESTRUCT } from "./kinds.js";
import { assertKind, type DecoratorMisuse } from "./usage.js";

type Hook = (this: unknown) => unknown;

/** A plain decorator; called with parentheses it evaluates to the fix, which the compiler quotes. */
export interface HookDecorator<Name extends string> {
  (method: Hook, context: ClassMethodDecoratorContext): void;
  (): DecoratorMisuse<`@${Name} takes no parentheses: write @${Name}`>;
}

function hookDecorator<Name extends string>(name: Name, kind: symbol): HookDecorator<Name> {
  return ((_method: Hook, context: ClassMethodDecoratorContext): void => {
    if (typeof context !== "object" || context === null) {
      // Reached through `@postConstruct()`: the call runs with no method to decorate.
      throw new DecoratorUsageError(`@${name} takes no arguments: write @${name} above a method, without parentheses.`);
    }
    assertKind(name, context, ["method"]);
    if (context.static) throw new DecoratorUsageError(`@${name} cannot decorate a static method.`);
    const meta = metaFrom(context.metadata);
    const hooks = (meta.kinds.get(kind) as (string | symbol)[] | undefined) ?? [];
    // A subclass re-marking a hook it overrides runs it once (its own version).
    if (!hooks.includes(context.name)) meta.kinds.set(kind, [...hooks, context.name]);
  }) as HookDecorator<Name>;
}

// Hooks are methods: a subclass inherits its parent's, like the methods themselves.
inheritKind(POST_CONSTRUCT, PRE_DESTRUCT);

/** Runs the method at `app.startup()`, after the instance's dependencies ran theirs. */
export const postConstruct = hookDecorator("postConstruct", POST_CONSTRUCT);
/** Runs the method at `app.shutdown()`, in reverse start-up order, with a timeout. */
export const preDestruct = hookDecorator("preDestruct", PRE_DESTRUCT);
