/**
 * Lifecycle hooks: `@postConstruct` methods run at start-up in the order instances were
 * built (dependencies first), `@preDestruct` methods at shutdown in reverse. Each hook has
 * a timeout; one that fails or hangs is logged and the others still run.
 */
import { POST_CONSTRUCT, PRE_DESTRUCT } from "../decorators/kinds.js";
import { readMeta } from "../metadata/index.js";
import type { Logger } from "./logger.js";

export interface HookFailure {
  readonly hook: string;
  readonly error: unknown;
}

function hooksOf(instance: unknown, kind: symbol): (string | symbol)[] {
  if (typeof instance !== "object" || instance === null) return [];
  return (readMeta(instance.constructor)?.kinds.get(kind) as (string | symbol)[] | undefined) ?? [];
}

export class HookTimeoutError extends Error {
  constructor(hook: string, ms: number) {
    super(`${hook} did not finish within ${ms} ms`);
    this.name = "HookTimeoutError";
  }
}

/**
 * Runs `fn` (sync or async), rejecting with HookTimeoutError after `timeoutMs`. A hook that
 * hangs cannot be cancelled, only abandoned: it must not hold up the hooks after it.
 */
export async function runWithTimeout(fn: () => unknown, label: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // Not unref'd: while a hook hangs on nothing else, this timer is what keeps the process
    // alive long enough to report it and run the hooks after it.
    timer = setTimeout(() => reject(new HookTimeoutError(label, timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runHooks(
  instances: readonly unknown[],
  phase: "postConstruct" | "preDestruct",
  timeoutMs: number,
  logger: Logger,
): Promise<HookFailure[]> {
  const kind = phase === "postConstruct" ? POST_CONSTRUCT : PRE_DESTRUCT;
  const ordered = phase === "postConstruct" ? instances : [...instances].reverse();
  const failures: HookFailure[] = [];
  const seen = new Set<unknown>();
  for (const instance of ordered) {
    if (seen.has(instance)) continue;
    seen.add(instance);
    for (const name of hooksOf(instance, kind)) {
      const label = `${(instance as object).constructor.name}.${String(name)} (@${phase})`;
      try {
        const method = (instance as Record<string | symbol, unknown>)[name] as () => unknown;
        await runWithTimeout(() => method.call(instance), label, timeoutMs);
      } catch (error) {
        logger.error(`${label} failed`, { error });
        failures.push({ hook: label, error });
      }
    }
  }
  return failures;
}

/** Whether an instance has `@preDestruct` hooks; worked out once per class. */
const destructible = new WeakMap<object, boolean>();
export function hasPreDestruct(instance: unknown): boolean {
  if (typeof instance !== "object" || instance === null) return false;
  const cls: unknown = instance.constructor;
  if (typeof cls !== "function") return false;
  let known = destructible.get(cls);
  if (known === undefined) {
    known = hooksOf(instance, PRE_DESTRUCT).length > 0;
    destructible.set(cls, known);
  }
  return known;
}
