/**
 * Guards as the compiler prepares them: shared instances built once at start-up, or
 * request-scoped ones built per request. Used by HTTP routes and WebSocket gateways alike.
 */
import type { Container } from "../di/container.js";
import { dryRunOf } from "../di/dry-run.js";
import { Scope } from "../di/providers.js";
import type { Class } from "../di/token.js";
import { InvalidGuardError } from "../errors/index.js";
import type { HandlerContext } from "../http/handler-context.js";
import type { CompiledModule } from "../modules/index.js";
import { declaredScope } from "../modules/index.js";
import type { Guard, GuardLike } from "./types.js";

export interface GuardEntry {
  readonly name: string;
  /** Ready instance, or null when the guard is request-scoped and built per request. */
  readonly instance: Guard | null;
  readonly cls: Class<Guard> | null;
  /** Whether `cls` is a provider the module can see (then resolved, else constructed). */
  readonly listed: boolean;
}

/** The guard instance for one request: the shared one, or a request-scoped one. */
export function guardFor(entry: GuardEntry, ctx: HandlerContext): Guard {
  if (entry.instance !== null) return entry.instance;
  const cls = entry.cls as Class<Guard>;
  return entry.listed ? ctx.resolve(cls) : ctx.construct(cls);
}

function isGuardInstance(g: GuardLike): g is Guard {
  return typeof g === "object" && g !== null;
}

export class GuardFactory {
  readonly #cache = new Map<string, GuardEntry>();
  constructor(readonly container: Container) {}

  entry(guard: GuardLike, module: CompiledModule, usedBy: string): GuardEntry {
    if (isGuardInstance(guard)) {
      if (typeof guard.canActivate !== "function") throw missingCanActivate(guard.constructor?.name ?? "guard object", usedBy);
      return { name: guard.constructor?.name ?? "guard", instance: guard, cls: null, listed: false };
    }
    if (typeof guard !== "function" || typeof guard.prototype?.canActivate !== "function") {
      throw missingCanActivate((guard as { name?: string })?.name ?? String(guard), usedBy);
    }
    const key = `${module.name}\u0000${guard.name}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.cls === guard) return cached;
    const record = this.container.lookup(module, guard);
    const listed = record !== undefined;
    const perRequest = (record?.scope ?? declaredScope(guard)) === Scope.REQUEST;
    // Built per request: a dry run checks its inject() calls now (a listed one is checked as a provider).
    if (perRequest && !listed) dryRunOf(this.container).checkClass(module, guard, `the request-scoped guard ${guard.name}`);
    const entry: GuardEntry = perRequest
      ? { name: guard.name, instance: null, cls: guard, listed }
      : {
          name: guard.name,
          instance: listed ? this.container.get(module, guard, usedBy) : this.container.construct(module, guard),
          cls: guard,
          listed,
        };
    this.#cache.set(key, entry);
    return entry;
  }
}

function missingCanActivate(name: string, usedBy: string): InvalidGuardError {
  return new InvalidGuardError(
    `${name} is used as a guard by ${usedBy} but has no canActivate(ctx) method. ` +
      "Add canActivate(ctx) returning a boolean (or a promise of one).",
  );
}
