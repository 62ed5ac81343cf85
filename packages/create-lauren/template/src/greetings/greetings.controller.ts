import { type Ctx, controller, get, inject, post } from "lauren";
import { GreetingBody } from "./greeting.js";
import { GreetingService } from "./greetings.service.js";

// Declared once for the whole app: session.get()/set() are typed by it.
declare module "lauren" {
  interface SessionData {
    name: string;
  }
}

@controller("/")
export class GreetingsController {
  private readonly greetings = inject(GreetingService);

  @get("/")
  home({ session }: Ctx) {
    return { app: "__APP_NAME__", message: "Lauren is running", lastGreeted: session.get("name") ?? null };
  }

  @post("/greetings", { body: GreetingBody, status: 201 })
  greet({ body, session }: Ctx<{ body: typeof GreetingBody }>) {
    session.set("name", body.name);
    return this.greetings.greet(body.name);
  }
}
