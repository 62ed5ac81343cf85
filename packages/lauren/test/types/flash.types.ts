/**
 * Type tests: flash values are typed by the session's data shape (the app's `SessionData`),
 * like `get`/`set`. Compiled, never run.
 */
import type { Session } from "../../src/index.js";

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectTrue<_T extends true>(): void {}

interface AppData {
  user_id: number;
  notice: string;
}

export function typedFlash(session: Session<AppData>): void {
  session.flash("notice", "Saved");
  // @ts-expect-error notice holds a string
  session.flash("notice", 42);
  // @ts-expect-error "alert" is not a key of the session data
  session.flash("alert", "x");
  const notice = session.takeFlash("notice");
  expectTrue<Equal<typeof notice, string | undefined>>();
  const all = session.takeFlashes();
  expectTrue<Equal<typeof all, Partial<AppData>>>();
  const token: string = session.csrfToken();
  void token;
}
