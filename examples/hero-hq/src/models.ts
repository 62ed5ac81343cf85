/** The hero dossier: what a recruit sends and what HQ hands back (tutorial step 2). */

// --8<-- [start:code]
import { z } from "zod";

/** Longest hero name (and power) HQ files; longer paperwork is a 422. */
export const NAME_MAX = 100;

/** The paperwork a hero files to join HQ. */
export const CreateHero = z
  .object({
    name: z.string().max(NAME_MAX),
    power: z.string().max(NAME_MAX),
    // Raw power level; the Auditor insists it is a whole number.
    wattage: z.number().int(),
    // Filed, never shown: HeroOut leaves it out, so no response carries it.
    secret_identity: z.string().max(NAME_MAX).optional(),
  })
  .meta({ id: "CreateHero", description: "The paperwork a hero files to join HQ." });

/** What HQ hands back once a hero is on the roster. */
export const HeroOut = z
  .object({
    id: z.number().int(),
    name: z.string(),
    power: z.string(),
    wattage: z.number().int(),
  })
  .meta({ id: "HeroOut", description: "What HQ hands back once a hero is on the roster." });

export type CreateHero = z.infer<typeof CreateHero>;
export type HeroOut = z.infer<typeof HeroOut>;
// --8<-- [end:code]
