/**
 * Type tests: `inject(token)` is typed by its token. Compiled by `npm run build`, never run
 * (inject() outside construction would throw); an unmet `@ts-expect-error` fails the build.
 */
import { inject, injectable, Token } from "../../src/index.js";

/** Compiles only when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectTrue<_T extends true>(): void {}

@injectable()
class HeroRepository {
  count(): number {
    return 0;
  }
}

abstract class Store {
  abstract load(id: string): Promise<string | null>;
}

interface AppConfig {
  readonly region: string;
}

const RETRIES = new Token<number>("RETRIES");
const CONFIG = new Token<AppConfig>("CONFIG");

export class Consumer {
  readonly roster = inject(HeroRepository);
  readonly retries = inject(RETRIES);
  readonly config = inject(CONFIG);
  readonly store = inject(Store);

  check(): void {
    expectTrue<Equal<typeof this.roster, HeroRepository>>();
    expectTrue<Equal<typeof this.retries, number>>();
    expectTrue<Equal<typeof this.config, AppConfig>>();
    expectTrue<Equal<typeof this.store, Store>>();
    expectTrue<Equal<ReturnType<typeof inject<string>>, string>>();
  }
}

export class WronglyTyped {
  // @ts-expect-error inject(HeroRepository) is a HeroRepository, not a string
  readonly roster: string = inject(HeroRepository);
  // @ts-expect-error inject(new Token<number>()) is a number, not a string
  readonly retries: string = inject(new Token<number>("n"));
  // @ts-expect-error the token's type is AppConfig, which has no `port`
  readonly port: number = inject(CONFIG).port;
  // @ts-expect-error a plain string is not an injection token
  readonly named = inject("HeroRepository");
}
