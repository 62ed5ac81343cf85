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
}
export interface ValueProvider<T = unknown> {
  provide: InjectionToken<T>;
  useValue: T;
}
/** The factory runs in an injection context, so it may call `inject()`. */
export interface FactoryProvider<T = unknown> {
  provide: InjectionToken<T>;
  useFactory: () => T;
  scope?: Scope;
}
/** An alias: asking for `provide` yields whatever `useExisting` resolves to. */
export interface ExistingProvider<T = unknown> {
  provide: InjectionToken<T>;
  useExisting: InjectionToken<T>;
}

export type Provider<T = unknown> = Class<T> | ClassProvider<T> | ValueProvider<T> | FactoryProvider<T> | ExistingProvider<T>;
