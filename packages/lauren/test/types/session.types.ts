/**
 * Type tests: a `Session<T>` is typed by its data shape. (The app-wide `SessionData`
 * augmentation is type-tested in examples/hero-hq/test/session-data.types.ts: augmenting it
 * here would retype every session in this package's own tests.) Compiled, never run.
 */
import type { Session } from "../../src/index.js";

/** Compiles only when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectTrue<_T extends true>(): void {}

interface HeroSession {
  hero_id: number;
  name: string;
}

export function typedSession(session: Session<HeroSession>): void {
  const id = session.get("hero_id");
  expectTrue<Equal<typeof id, number | undefined>>();
  session.set("name", "Volt");
  // @ts-expect-error hero_id holds a number, not a string
  session.set("hero_id", "1");
  // @ts-expect-error "villain" is not a key of HeroSession
  session.get("villain");
}

export function untypedSession(session: Session): void {
  const anything = session.get("whatever");
  expectTrue<Equal<typeof anything, unknown>>();
  session.set("whatever", { nested: [1, 2] });
}
