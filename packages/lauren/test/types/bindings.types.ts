/**
 * Type tests for optional and multi bindings and the `provide()` helper. Compiled by
 * `npm run build`, never run; an unmet `@ts-expect-error` fails the build.
 */
import { z } from "zod";
import {
  ConfigModule,
  type DynamicModule,
  forwardRef,
  inject,
  loadConfig,
  type MultiProvider,
  module,
  provide,
  Token,
} from "../../src/index.js";

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectTrue<_T extends true>(): void {}

interface Plugin {
  readonly name: string;
}
class AuditPlugin implements Plugin {
  readonly name = "audit";
}
class NotAPlugin {
  readonly label = "nope";
}
class Clock {
  now(): number {
    return 0;
  }
}
const PLUGINS = new Token<readonly Plugin[]>("PLUGINS");
const PORT = new Token<number>("PORT");

export class Consumer {
  readonly optionalClock = inject(Clock, { optional: true });
  readonly requiredClock = inject(Clock);
  readonly plugins = inject(PLUGINS);
  readonly dynamicOptional = inject(PORT, { optional: Math.random() > 0.5 });

  check(): void {
    expectTrue<Equal<typeof this.optionalClock, Clock | undefined>>();
    expectTrue<Equal<typeof this.requiredClock, Clock>>();
    expectTrue<Equal<typeof this.plugins, readonly Plugin[]>>();
    expectTrue<Equal<typeof this.dynamicOptional, number | undefined>>();
  }
}

export class Mistakes {
  // @ts-expect-error an optional dependency may be undefined
  readonly clock: Clock = inject(Clock, { optional: true });
  // @ts-expect-error a multi-binding is an array, not one element
  readonly plugin: Plugin = inject(PLUGINS);
}

export const good: MultiProvider<Plugin>[] = [
  provide(PLUGINS, { useClass: AuditPlugin, multi: true }),
  provide(PLUGINS, { useValue: { name: "metrics" }, multi: true }),
  provide(PLUGINS, { useFactory: () => new AuditPlugin(), multi: true }),
];
export const single = [provide(PORT, { useValue: 8000 }), provide(PORT, { useFactory: async () => 8000 })];

// @ts-expect-error NotAPlugin is not a Plugin
export const wrongClass = provide(PLUGINS, { useClass: NotAPlugin, multi: true });
// @ts-expect-error PORT is a number
export const wrongValue = provide(PORT, { useValue: "8000" });
// @ts-expect-error a contribution to PLUGINS is one Plugin, not an array
export const wrongShape = provide(PLUGINS, { useValue: [{ name: "x" }], multi: true });

@module({ imports: [forwardRef(() => Later)] })
export class Earlier {}
@module({})
export class Later {
  static forRoot(): DynamicModule {
    return { module: Later, global: true };
  }
}
// @ts-expect-error forwardRef takes a module (class or dynamic module), not a token
forwardRef(() => PORT);

const Env = z.object({ PORT: z.coerce.number() });
export const configured = ConfigModule.forRoot({ token: new Token<{ PORT: number }>("OK"), schema: Env, env: {} });
// @ts-expect-error the token's type must be the schema's output
export const mistyped = ConfigModule.forRoot({ token: new Token<{ PORT: string }>("BAD"), schema: Env, env: {} });
export const loaded: { PORT: number } = loadConfig(Env, { env: {} });
// @ts-expect-error loadConfig needs an explicit env (process.env in apps)
loadConfig(Env, {});
