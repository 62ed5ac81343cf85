/**
 * The prelude: global middleware that only adds default response headers (and perhaps the
 * request id) — `requestId()` and `securityHeaders()` — compiled into one synchronous step.
 * They never need the onion: they run before the rest, call `next()` at once and never read
 * the response. Run as a prelude they cost a few array pushes per request, where the onion
 * costs an async frame per layer and a response held back and replayed; with nothing else
 * global, the request then takes the direct path.
 */
import type { IncomingMessage } from "node:http";
import type { CompiledMiddleware } from "./middleware.js";

/** What a header-only built-in exposes next to its middleware function. */
export interface HeaderStep {
  /** The header names it may set, all lower-case (checked at start-up for overlaps). */
  readonly names: readonly string[];
  /** Pushes this request's default headers onto `out`; returns the request id it chose, if it chooses one. */
  apply(req: IncomingMessage, trustProxy: number, out: string[]): string | null;
}

export const HEADER_STEP = Symbol("lauren.headerStep");

/** Marks `fn` as a header-only middleware that the prelude may run instead. */
export function withHeaderStep<F extends object>(fn: F, step: HeaderStep): F {
  (fn as { [HEADER_STEP]?: HeaderStep })[HEADER_STEP] = step;
  return fn;
}

/** This request's defaults and request id, as the prelude worked them out. */
export interface PreludeResult {
  readonly headers: string[];
  readonly id: string | null;
}

export type Prelude = (req: IncomingMessage) => PreludeResult;

/**
 * Splits a global middleware list into the leading header-only built-ins (the prelude) and
 * the rest (still an onion). Two steps that may set the same header, or a `Vary` default
 * (which merges rather than replaces), keep the onion: its rules for those cases are the reference.
 */
export function splitPrelude(
  list: readonly CompiledMiddleware[],
  trustProxy: number,
): { prelude: Prelude | null; rest: CompiledMiddleware[] } {
  const steps: HeaderStep[] = [];
  const seen = new Set<string>();
  let i = 0;
  for (; i < list.length; i++) {
    const step = (list[i]?.fn as { [HEADER_STEP]?: HeaderStep } | undefined)?.[HEADER_STEP];
    if (step === undefined || step.names.some((name) => name === "vary" || seen.has(name))) break;
    for (const name of step.names) seen.add(name);
    steps.push(step);
  }
  const rest = list.slice(i);
  if (steps.length === 0) return { prelude: null, rest };
  const prelude: Prelude = (req) => {
    const headers: string[] = [];
    let id: string | null = null;
    for (const step of steps) id = step.apply(req, trustProxy, headers) ?? id;
    return { headers, id };
  };
  return { prelude, rest };
}
