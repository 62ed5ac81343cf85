import { ForbiddenError } from "../errors/index.js";
import type { HandlerContext } from "../http/handler-context.js";
import { ExecutionContext, type RouteDescriptor } from "./execution-context.js";
import { type GuardEntry, guardFor } from "./registry.js";

/** Runs guards in order; `false` is a 403 naming the guard, a thrown HttpError is its own answer. */
export async function runGuards(guards: readonly GuardEntry[], descriptor: RouteDescriptor, ctx: HandlerContext): Promise<void> {
  const ec = new ExecutionContext(ctx, descriptor);
  for (const entry of guards) {
    const guard = guardFor(entry, ctx);
    let allowed = guard.canActivate(ec);
    if (typeof allowed !== "boolean") allowed = await allowed;
    if (allowed !== true) throw new ForbiddenError(`access denied by ${entry.name}`, { guard: entry.name });
  }
}
