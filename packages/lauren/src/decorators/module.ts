import type { Provider } from "../di/providers.js";
import type { Class, InjectionToken } from "../di/token.js";
import { metaFrom } from "../metadata/index.js";
import { MODULE } from "./kinds.js";
import { assertOptions } from "./usage.js";

export interface ModuleOptions {
  /** HTTP and WebSocket controllers this module serves. */
  controllers?: readonly Class<unknown>[];
  /** Providers owned by this module; visible to it and, when exported, to its importers. */
  providers?: readonly Provider[];
  /** Modules whose exports this module may inject. Visibility is not transitive. */
  imports?: readonly Class<unknown>[];
  /** Tokens (own or imported) or whole imported modules to share with importers. */
  exports?: readonly (InjectionToken | Class<unknown>)[];
}

/** Declares a module: a unit of controllers and providers with an explicit public surface. */
export function module(options: ModuleOptions = {}) {
  assertOptions("module", options, "@module({ controllers, providers, imports, exports })");
  return (_target: Class<unknown>, context: ClassDecoratorContext): void => {
    metaFrom(context.metadata).kinds.set(MODULE, { ...options });
  };
}
