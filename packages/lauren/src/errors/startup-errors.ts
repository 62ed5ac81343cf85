/**
 * Start-up errors: thrown by decorators and by `LaurenFactory.create()` when the app is
 * wired wrongly. Each message names the culprit and says how to fix it, so a mistake is
 * found when the process starts rather than on the first unlucky request.
 */

export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configurable decorator was used without being called (`@controller` instead of `@controller("/x")`). */
export class DecoratorUsageError extends StartupError {}
/** Two handlers claim the same method and path. */
export class RouteConflictError extends StartupError {}
/** A route path template the router cannot read (`{*rest}` not last, a stray brace). */
export class InvalidRouteError extends StartupError {}
/** Modules import each other in a cycle. */
export class CircularModuleImportError extends StartupError {}
/** Providers depend on each other in a cycle. */
export class CircularDependencyError extends StartupError {}
/** A provider, controller or guard asks for a token its module cannot see. */
export class MissingProviderError extends StartupError {}
/** A module exports something it neither provides nor imports. */
export class InvalidExportError extends StartupError {}
/** A longer-lived provider depends on a shorter-lived one (singleton → request scope). */
export class ScopeMismatchError extends StartupError {}
/** A class named as a guard has no `canActivate` method. */
export class InvalidGuardError extends StartupError {}
/** A class passed where a module, controller or provider is expected is not one. */
export class InvalidModuleError extends StartupError {}
/** `inject()` was called outside construction by the container. */
export class InjectionContextError extends StartupError {}
/** An option given to `LaurenFactory.create()` is invalid. */
export class ConfigurationError extends StartupError {}
/** A lifecycle method was called in the wrong state (for example `startup()` twice). */
export class LifecycleError extends StartupError {}
/** A class with `@controller` (or `@wsController`) is listed under a module's `providers`. */
export class ControllerAsProviderError extends StartupError {}
/** One token has two providers: in two modules, twice in one module, or multi and single mixed. */
export class DuplicateProviderError extends StartupError {}
/** A provider's factory returned a promise where only a synchronous value can be used. */
export class AsyncProviderError extends StartupError {}
/** A provider's factory threw or rejected while the app was being built. */
export class ProviderFactoryError extends StartupError {}
/** Environment variables did not match the config schema; `issues` lists every one. */
export class ConfigValidationError extends StartupError {
  constructor(
    message: string,
    readonly issues: readonly { readonly variable: string; readonly message: string }[],
  ) {
    super(message);
  }
}
