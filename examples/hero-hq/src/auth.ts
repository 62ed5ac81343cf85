/** Who are you, really? Hero login with sessions (tutorial step 6). */

// --8<-- [start:code]
import { type Ctx, controller, get, inject, post, UnauthorizedError } from "lauren";
import { z } from "zod";
import { HeroRepository } from "./roster.js";

// Declared once for the whole app: every session.get()/set() is typed by it.
declare module "lauren" {
  interface SessionData {
    hero_id: number;
    name: string;
  }
}

export const LoginBody = z.object({ hero_id: z.number().int() }).meta({ id: "LoginBody" });
// The landing page's HTML form posts the same field, as text: only plain digits become a number.
export const LoginForm = z.object({
  hero_id: z
    .string()
    .regex(/^[0-9]+$/, "must be an integer")
    .transform(Number),
});

@controller("/me")
export class IdentityController {
  private readonly roster = inject(HeroRepository);

  // Anonymous callers are welcome too: {} (no scheme) is the other way in.
  @get("/", { summary: "Who am I?", security: ["session", {}] })
  whoami({ session }: Ctx) {
    if (!session.has("hero_id")) return { identified: false };
    return { identified: true, hero_id: session.get("hero_id"), name: session.get("name") };
  }

  // JSON or the HTML form: whichever the client sends lands in `body`, with the same answers.
  @post("/login", { summary: "Log in as a hero", body: LoginBody, form: LoginForm, raises: [UnauthorizedError] })
  login({ session, body }: Ctx<{ body: typeof LoginBody; form: typeof LoginForm }>) {
    const hero = this.roster.get(body.hero_id);
    if (hero === undefined) {
      throw new UnauthorizedError("no such hero to log in as", { hero_id: body.hero_id });
    }
    // A new session id whenever trust changes: the defence against session fixation.
    session.regenerateId();
    session.set("hero_id", hero.id);
    session.set("name", hero.name);
    return { welcome: hero.name };
  }

  @post("/logout", { summary: "Log out", security: ["session", {}] })
  logout({ session }: Ctx) {
    session.invalidate();
    return { farewell: true };
  }
}
// --8<-- [end:code]
