import assert from "node:assert/strict";
import { LaurenFactory, type LaurenOptions, StartupError } from "../../src/index.js";

type ErrorClass = new (...args: never[]) => Error;

/** Checks that `err` is exactly a `cls` StartupError whose message matches every pattern. */
export function isStartupError(err: unknown, cls: ErrorClass, patterns: readonly RegExp[]): true {
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
  assert.ok(err instanceof StartupError);
  assert.equal(err.name, cls.name);
  for (const pattern of patterns) assert.match(err.message, pattern);
  return true;
}

export function throwsStartup(fn: () => unknown, cls: ErrorClass, ...patterns: RegExp[]): void {
  assert.throws(fn, (err: unknown) => isStartupError(err, cls, patterns));
}

export async function rejectsStartup(work: Promise<unknown>, cls: ErrorClass, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(work, (err: unknown) => isStartupError(err, cls, patterns));
}

export const create = (root: new () => unknown, options: LaurenOptions = {}) => LaurenFactory.create(root, { logger: false, ...options });
