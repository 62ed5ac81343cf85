/**
 * Injection tokens. A class is its own token; `Token<T>` names anything else (a config
 * object, an interface) and carries its type so `inject(token)` is typed as `T`.
 */

export class Token<T> {
  /** Phantom field: only carries `T` for the type checker. */
  declare readonly __type?: T;
  readonly description: string;

  constructor(description: string) {
    this.description = description;
  }

  toString(): string {
    return `Token(${this.description})`;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: constructor parameters are irrelevant to a token
export type Class<T> = new (...args: any[]) => T;
// biome-ignore lint/suspicious/noExplicitAny: abstract classes are valid tokens (for example SessionStore)
export type AbstractClass<T> = abstract new (...args: any[]) => T;

export type InjectionToken<T = unknown> = Class<T> | AbstractClass<T> | Token<T>;

export function tokenName(token: unknown): string {
  if (typeof token === "function") return token.name || "<anonymous class>";
  if (token instanceof Token) return token.description;
  return String(token);
}
