/**
 * How modules are named in `imports`: a `@module` class, a dynamic module (a definition
 * returned by a static method such as `forRoot(options)`), or a forward reference to
 * either, for modules that import each other.
 */
import { MODULE } from "../decorators/kinds.js";
import type { Provider } from "../di/providers.js";
import type { Class, InjectionToken } from "../di/token.js";
import { readMeta } from "../metadata/index.js";

export interface ModuleOptions {
  /** HTTP and WebSocket controllers this module serves. */
  controllers?: readonly Class<unknown>[];
  /** Providers owned by this module; visible to it and, when exported, to its importers. */
  providers?: readonly Provider[];
  /** Modules whose exports this module may inject. Visibility is not transitive. */
  imports?: readonly ModuleImport[];
  /** Tokens (own or imported) or whole imported modules to share with importers. */
  exports?: readonly (InjectionToken | ModuleImport)[];
  /** A global module's exports are visible in every module of the app, without importing it there. */
  global?: boolean;
}

/**
 * A module built at run time, typically by `static forRoot(options)`: what it adds to the
 * `@module` options of `module` (providers, exports, imports and controllers are appended).
 */
export interface DynamicModule extends ModuleOptions {
  module: Class<unknown>;
}

/** A module reference resolved only when the graph is compiled (see `forwardRef`). */
export class ForwardRef<T = Class<unknown> | DynamicModule> {
  constructor(readonly resolve: () => T) {}
}

/**
 * `imports: [forwardRef(() => TeamBModule)]`: for two modules that import each other (a
 * cycle is refused unless one of its imports is a forward reference), and for a module
 * whose class is not initialised yet where the import is written (files that import each
 * other, a class declared further down the file).
 */
export function forwardRef<T extends Class<unknown> | DynamicModule>(resolve: () => T): ForwardRef<T> {
  return new ForwardRef(resolve);
}

export type ModuleImport = Class<unknown> | DynamicModule | ForwardRef;

/** The `@module` options recorded on a class, or undefined when it is not a module. */
export function moduleOptions(cls: unknown): ModuleOptions | undefined {
  return readMeta(cls)?.kinds.get(MODULE) as ModuleOptions | undefined;
}
