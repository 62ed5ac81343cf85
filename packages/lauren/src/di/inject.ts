/**
 * `inject()` works like Angular's: the container sets the current injection frame while it
 * constructs an object, so constructors and field initialisers can ask for dependencies
 * without parameter decorators or emitted type metadata.
 */
import { InjectionContextError } from "../errors/index.js";
import type { InjectionToken } from "./token.js";
import { tokenName } from "./token.js";

export interface InjectOptions {
  /** Resolve to `undefined` when nothing provides the token, instead of failing at start-up. */
  optional?: boolean;
}

export interface InjectionFrame {
  resolve(token: InjectionToken, optional: boolean): unknown;
}

let current: InjectionFrame | null = null;

export function inject<T>(token: InjectionToken<T>, options: { optional: true }): T | undefined;
export function inject<T>(token: InjectionToken<T>, options: InjectOptions): T | undefined;
export function inject<T>(token: InjectionToken<T>): T;
export function inject<T>(token: InjectionToken<T>, options?: InjectOptions): T | undefined {
  const frame = current;
  if (frame === null) {
    throw new InjectionContextError(
      `inject(${tokenName(token)}) was called outside an injection context. ` +
        "Call inject() only in a constructor or field initialiser of a class the container builds " +
        "(a controller, provider or guard), or in a useFactory function before its first await.",
    );
  }
  return frame.resolve(token, options?.optional === true) as T | undefined;
}

/** Runs `build` with `frame` as the injection context, restoring the previous one after. */
export function runInFrame<T>(frame: InjectionFrame, build: () => T): T {
  const previous = current;
  current = frame;
  try {
    return build();
  } finally {
    current = previous;
  }
}
