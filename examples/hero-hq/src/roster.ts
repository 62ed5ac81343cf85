/** The HQ roster: one shared, in-memory store of heroes (tutorial step 3). */

// --8<-- [start:code]
import { injectable, Scope } from "lauren";
import type { CreateHero, HeroOut } from "./models.js";

/** HQ's memory. Exactly one for the app's whole life, so every desk sees the same roster. */
@injectable({ scope: Scope.SINGLETON })
export class HeroRepository {
  readonly #heroes = new Map<number, HeroOut>();
  #nextId = 1;

  recruit(paperwork: CreateHero): HeroOut {
    // Filed records never change, so they are frozen: Lauren then writes each one's JSON once.
    const hero = Object.freeze({ id: this.#nextId++, ...paperwork });
    this.#heroes.set(hero.id, hero);
    return hero;
  }

  get(id: number): HeroOut | undefined {
    return this.#heroes.get(id);
  }

  roster(): HeroOut[] {
    return [...this.#heroes.values()];
  }
}
// --8<-- [end:code]
