/**
 * Type tests: Hero HQ declares its session data once (`declare module "lauren" { interface
 * SessionData {...} }` in src/auth.ts) and every `ctx.session` in the app is typed by it.
 * Compiled by `npm run build`, never run; an unmet `@ts-expect-error` fails the build.
 */
import type { AppSession, Ctx, SessionData } from "lauren";

/** Compiles only when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectTrue<_T extends true>(): void {}

expectTrue<Equal<SessionData, { hero_id: number; name: string }>>();

export function whoami({ session }: Ctx): void {
  const heroId = session.get("hero_id");
  expectTrue<Equal<typeof heroId, number | undefined>>();
  const name = session.get("name");
  expectTrue<Equal<typeof name, string | undefined>>();
  session.set("hero_id", 7);
  // @ts-expect-error hero_id is declared as a number, so a string is refused
  session.set("hero_id", "7");
  // @ts-expect-error "villain" is not a declared session key
  session.get("villain");
}

export function sessionType(session: AppSession): number | undefined {
  return session.get("hero_id");
}
