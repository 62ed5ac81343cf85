/** Small pieces shared by the built-in stores' constructors. */
import { SessionConfigError } from "../errors.js";

/** Epoch seconds as a float, the unit Lauren's cookies use. */
export function systemClock(): number {
  return Date.now() / 1000;
}

/** Store options are checked when the store is built, which is at start-up. */
export function positiveInteger(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  throw new SessionConfigError(`${what} must be a positive integer; got ${String(value)}`);
}
