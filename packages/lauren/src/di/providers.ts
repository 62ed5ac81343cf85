import type { Class, InjectionToken } from "./token.js";

/** How long an instance lives: one per app, one per request, or a new one per injection. */
export const Scope = {
  SINGLETON: "singleton",
  REQUEST: "request",
  TRANSIENT: "transient",
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

export interface ClassProvider<T = unknown> {
  provide: InjectionToken<T>;
  useClass: Class<T>;
  scope?: Scope;
  multi?: false;
}
export interface ValueProvider<T = unknown> {
  provide: InjectionToken<T>;
  useValue: T;
  multi?: false;
}
/**
 * The factory runs in an injection context, so it may call `inject()` (before its first
 * `await`). A factory that returns a promise is an async provider: build the app with
 * `LaurenFactory.createAsync()`, which awaits it before anything that injects it is built.
 */
export interface FactoryProvider<T = unknown> {
  provide: InjectionToken<T>;
  useFactory: () => T | PromiseLike<T>;
  scope?: Scope;
  multi?: false;
}
/** An alias: asking for `provide` yields whatever `useExisting` resolves to. */
export interface ExistingProvider<T = unknown> {
  provide: InjectionToken<T>;
  useExisting: InjectionToken<T>;
  multi?: false;
}

/**
 * One contribution to a multi-binding: every `multi: true` provider of a token is collected,
 * and `inject(token)` returns them as an array in module order. The token is typed with the
 * array (`Token<readonly Plugin[]>`), each contribution with one element.
 */
export type MultiProvider<T = unknown> =
  | { provide: InjectionToken<readonly T[]>; multi: true; useClass: Class<T>; scope?: Scope }
  | { provide: InjectionToken<readonly T[]>; multi: true; useValue: T }
  | { provide: InjectionToken<readonly T[]>; multi: true; useFactory: () => T | PromiseLike<T>; scope?: Scope }
  | { provide: InjectionToken<readonly T[]>; multi: true; useExisting: InjectionToken<T> };

export type Provider<T = unknown> =
  | Class<T>
  | ClassProvider<T>
  | ValueProvider<T>
  | FactoryProvider<T>
  | ExistingProvider<T>
  | MultiProvider<T>;

/**
 * Checks a provider against its token's type where it is written:
 * `provide(PLUGINS, { useClass: AuditPlugin, multi: true })` fails to compile when
 * `AuditPlugin` is not a `Plugin`. Returns the provider unchanged.
 */
export function provide<T>(token: InjectionToken<readonly T[]>, how: DistributiveOmit<MultiProvider<T>, "provide">): MultiProvider<T>;
export function provide<T>(
  token: InjectionToken<T>,
  how:
    | Omit<ClassProvider<T>, "provide">
    | Omit<ValueProvider<T>, "provide">
    | Omit<FactoryProvider<T>, "provide">
    | Omit<ExistingProvider<T>, "provide">,
): Provider<T>;
export function provide(token: InjectionToken, how: object): Provider {
  return { ...how, provide: token } as Provider;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
