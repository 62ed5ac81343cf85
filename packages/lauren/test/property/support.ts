/**
 * Settings shared by the property-based tests. `npm test` runs them with a fixed seed and
 * a modest number of runs, so they are fast and repeatable; `npm run fuzz` sets FUZZ_RUNS
 * (and a fresh seed, printed, unless FUZZ_SEED pins one) to search much longer.
 */
import type fc from "fast-check";

const FIXED_SEED = 20261203;
const fuzzing = process.env.FUZZ_RUNS !== undefined;
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : fuzzing ? Date.now() % 2 ** 31 : FIXED_SEED;
if (fuzzing) console.log(`property tests: seed ${seed}, ${process.env.FUZZ_RUNS} runs each (FUZZ_SEED=${seed} repeats this run)`);

/** fast-check parameters: `base` runs in `npm test`, FUZZ_RUNS under `npm run fuzz`. */
export function runs(base: number): fc.Parameters<unknown> {
  return { seed, numRuns: fuzzing ? Number(process.env.FUZZ_RUNS) : base };
}
