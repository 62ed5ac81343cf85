/** The front desk: the HTTP controller for heroes (tutorial steps 1–5). */

// --8<-- [start:code]
import { type Ctx, controller, get, HttpError, inject, post, useGuards } from "lauren";
import { z } from "zod";
import { CreateHero, HeroOut } from "./models.js";
import { HeroRepository } from "./roster.js";
import { BadgeGuard } from "./security.js";

/** Raised when someone asks for a hero who is not on the roster. */
export class HeroNotFoundError extends HttpError {
  static override status = 404;
  static override code = "hero_not_found";
}

// Path values are strings: only plain digits become a number ("0x1", "1e0", " 1" stay strings and fail).
const digitsToNumber = (value: unknown) => (typeof value === "string" && /^[0-9]+$/.test(value) ? Number(value) : value);

const HeroParams = z.object({
  id: z.preprocess(digitsToNumber, z.number({ error: "must be an integer" }).int({ error: "must be an integer" })),
});

@controller("/heroes", { tags: ["heroes"] })
export class HeroController {
  // The container hands every controller the same HeroRepository (step 3).
  private readonly roster = inject(HeroRepository);

  @get("/", { summary: "List the roster", response: z.array(HeroOut) })
  listHeroes(): HeroOut[] {
    return this.roster.roster();
  }

  @get("/{id}", { summary: "Look up a hero", params: HeroParams, response: HeroOut, raises: [HeroNotFoundError] })
  getHero({ params }: Ctx<{ params: typeof HeroParams }>): HeroOut {
    const hero = this.roster.get(params.id);
    if (hero === undefined) throw new HeroNotFoundError("no such hero", { id: params.id });
    return hero;
  }

  // Recruiting changes the roster, so the bouncer checks a badge first (step 5).
  @post("/", { summary: "Recruit a hero", body: CreateHero, status: 201, response: HeroOut })
  @useGuards(BadgeGuard)
  recruit({ body }: Ctx<{ body: typeof CreateHero }>): HeroOut {
    return this.roster.recruit(body);
  }
}
// --8<-- [end:code]
