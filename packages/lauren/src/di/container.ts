/**
 * The container resolves tokens by module visibility and scope. Every provider record is
 * created at start-up; singletons are built then too, so a wrong `inject()` fails in
 * `LaurenFactory.create()` instead of on the first request that needs it.
 */
import {
  AsyncProviderError,
  CircularDependencyError,
  MissingProviderError,
  ProviderFactoryError,
  ScopeMismatchError,
  StartupError,
} from "../errors/index.js";
import { type InjectionFrame, runInFrame } from "./inject.js";
import { Scope } from "./providers.js";
import type { Class, InjectionToken } from "./token.js";
import { tokenName } from "./token.js";

export type RecordKind = "class" | "value" | "factory" | "existing" | "multi";

export interface ProviderRecord {
  readonly token: InjectionToken;
  readonly kind: RecordKind;
  readonly scope: Scope;
  /** The module that declares it; null for global providers. */
  readonly owner: ModuleScope | null;
  readonly useClass: Class<unknown> | null;
  readonly factory: (() => unknown) | null;
  readonly existing: InjectionToken | null;
  /** For a `multi` record: its contributions, in module order. */
  readonly members: readonly ProviderRecord[] | null;
  /** True for one contribution to a multi-binding. */
  readonly multi: boolean;
  value: unknown;
  built: boolean;
  /** An async factory's result, while `createAsync()` waits for it. */
  pending: Promise<unknown> | null;
}

/** What one module can see: its own providers, its imports' exports and the global ones. */
export interface ModuleScope {
  readonly name: string;
  readonly visible: Map<InjectionToken, ProviderRecord>;
}

/**
 * Per-request instances: request-scoped providers by record, and classes built for the
 * request (a request-scoped controller, a guard) by themselves, so teardown finds them all.
 */
export type RequestCache = Map<object, unknown>;

type Lifetime = "singleton" | "request";

class Frame implements InjectionFrame {
  constructor(
    readonly container: Container,
    readonly scope: ModuleScope,
    readonly requester: string,
    readonly lifetime: Lifetime,
    readonly cache: RequestCache | null,
  ) {}

  resolve(token: InjectionToken, optional: boolean): unknown {
    return this.container.resolveFrom(this, token, optional);
  }
}

/**
 * Thrown through a constructor that injects an async provider whose promise has not settled:
 * `createAsync()` catches it, awaits the provider and builds the dependant again.
 */
export class PendingProvider extends Error {
  constructor(readonly record: ProviderRecord) {
    super(`${tokenName(record.token)} is still starting`);
  }
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function"
  );
}

export function providerLabel(record: ProviderRecord): string {
  return `${tokenName(record.token)} (provided by ${record.owner?.name ?? "globalProviders"})`;
}

export class Container {
  readonly #globals = new Map<InjectionToken, ProviderRecord>();
  /**
   * Where global providers live: they see only each other, so what they can inject does not
   * depend on which module happens to ask for them first.
   */
  readonly globalScope: ModuleScope = { name: "globalProviders", visible: this.#globals };
  readonly #building: ProviderRecord[] = [];
  readonly #describe: (token: InjectionToken, scope: ModuleScope) => string;
  /** Singletons in the order their construction finished: dependencies come first. */
  readonly built: unknown[] = [];
  /** Set while `createAsync()` builds singletons: an async factory is then awaited, not refused. */
  allowAsync = false;

  constructor(describeMissing: (token: InjectionToken, scope: ModuleScope) => string) {
    this.#describe = describeMissing;
  }

  addGlobal(record: ProviderRecord): void {
    this.#globals.set(record.token, record);
  }

  lookup(scope: ModuleScope, token: InjectionToken): ProviderRecord | undefined {
    return scope.visible.get(token) ?? this.#globals.get(token);
  }

  /** Resolves `token` as seen from `scope`, outside any request (start-up, singletons). */
  get<T>(scope: ModuleScope, token: InjectionToken<T>, requester: string): T {
    return this.resolveFrom(new Frame(this, scope, requester, "singleton", null), token, false) as T;
  }

  /** Builds one singleton record at start-up (a module's own provider, or a multi contribution). */
  buildSingleton(record: ProviderRecord, scope: ModuleScope): void {
    this.instantiate(record, new Frame(this, scope, scope.name, "singleton", null), "");
  }

  /** Resolves within one request; request-scoped instances are cached in `cache`. */
  getForRequest<T>(scope: ModuleScope, token: InjectionToken<T>, cache: RequestCache, requester: string): T {
    return this.resolveFrom(new Frame(this, scope, requester, "request", cache), token, false) as T;
  }

  /**
   * Builds a class that is not itself a provider (a controller, a guard, a per-connection
   * gateway) in `scope`. App-lived instances are tracked for lifecycle hooks; short-lived
   * ones (`track: false`) are not, so they can be garbage-collected.
   */
  construct<T>(scope: ModuleScope, cls: Class<T>, options: { track?: boolean; cache?: RequestCache } = {}): T {
    const cache = options.cache ?? null;
    const frame = new Frame(this, scope, cls.name, cache === null ? "singleton" : "request", cache);
    const instance = runInFrame(frame, () => new cls());
    if (cache !== null) cache.set(instance as object, instance);
    else if (options.track !== false) this.built.push(instance);
    return instance;
  }

  resolveFrom(frame: Frame, token: InjectionToken, optional: boolean): unknown {
    const record = this.lookup(frame.scope, token);
    if (record === undefined) {
      if (optional) return undefined;
      throw this.missing(frame.requester, frame.scope, token);
    }
    return this.instantiate(record, frame, optional ? " through an optional binding" : "");
  }

  /** The error for `requester` (in `scope`) asking for a token it cannot see, with the fix. */
  missing(requester: string, scope: ModuleScope, token: InjectionToken): MissingProviderError {
    return new MissingProviderError(`${requester} (in ${scope.name}) asks for ${tokenName(token)}, ${this.#describe(token, scope)}`);
  }

  /** `how` says how the dependency was reached, for the scope-mismatch message. */
  instantiate(record: ProviderRecord, frame: Frame, how: string): unknown {
    switch (record.kind) {
      case "value":
        return record.value;
      case "existing":
        return this.resolveFrom(this.#frameFor(record, frame), record.existing as InjectionToken, false);
      case "multi":
        return this.#collect(record, frame);
      default:
        break;
    }
    if (record.scope === Scope.SINGLETON) {
      if (record.built) return record.value;
      if (record.pending !== null) throw new PendingProvider(record);
      const value = this.#build(record, this.#frameFor(record, frame, "singleton"));
      if (isThenable(value)) return this.#awaitLater(record, value);
      record.value = value;
      record.built = true;
      this.built.push(value);
      return value;
    }
    if (record.scope === Scope.REQUEST) {
      if (frame.lifetime === "singleton") {
        throw new ScopeMismatchError(
          `${frame.requester} lives for the whole app but depends${how} on ${recordName(record)}, which is request-scoped. ` +
            `Resolve ${tokenName(record.token)} per request with ctx.resolve() in the handler, or make ${frame.requester} ` +
            'request-scoped too: @injectable({ scope: Scope.REQUEST }) on a provider, @controller("/path", { scope: Scope.REQUEST }) on a controller.',
        );
      }
      const cache = frame.cache as RequestCache;
      if (cache.has(record)) return cache.get(record);
      const value = this.#notAsync(record, this.#build(record, this.#frameFor(record, frame)));
      cache.set(record, value);
      return value;
    }
    return this.#notAsync(record, this.#build(record, this.#frameFor(record, frame)));
  }

  /** A multi-binding: every contribution, in module order; one array for the app when all are app-lived. */
  #collect(record: ProviderRecord, frame: Frame): unknown {
    if (record.built) return record.value;
    const how = ` through the multi-binding ${tokenName(record.token)}`;
    const members = record.members as readonly ProviderRecord[];
    const values = Object.freeze(members.map((member) => this.instantiate(member, frame, how)));
    const appLived = members.every((m) => m.kind === "value" || (m.kind !== "existing" && m.scope === Scope.SINGLETON));
    if (appLived) {
      record.value = values;
      record.built = true;
    }
    return values;
  }

  #awaitLater(record: ProviderRecord, value: PromiseLike<unknown>): never {
    if (!this.allowAsync) {
      // Nobody will await it now; keep a later rejection from crashing the process.
      Promise.resolve(value).catch(() => {});
      throw new AsyncProviderError(
        `${providerLabel(record)} is created asynchronously (its factory returned a promise). ` +
          "Build the app with `await LaurenFactory.createAsync(RootModule, options)`, which waits for async " +
          "providers before building anything that injects them.",
      );
    }
    record.pending = Promise.resolve(value).then(
      (resolved) => {
        record.value = resolved;
        record.built = true;
        record.pending = null;
        this.built.push(resolved);
      },
      (error: unknown) => {
        if (error instanceof StartupError) throw error;
        throw new ProviderFactoryError(`${providerLabel(record)} failed to start: ${describeError(error)}`, { cause: error });
      },
    );
    throw new PendingProvider(record);
  }

  #notAsync(record: ProviderRecord, value: unknown): unknown {
    if (!isThenable(value)) return value;
    throw shortLivedAsync(record, value);
  }

  #frameFor(record: ProviderRecord, from: Frame, lifetime: Lifetime = from.lifetime): Frame {
    const scope = record.owner ?? from.scope;
    return new Frame(this, scope, tokenName(record.token), lifetime, lifetime === "request" ? from.cache : null);
  }

  #build(record: ProviderRecord, frame: Frame): unknown {
    if (this.#building.includes(record)) {
      const error = circularError(this.#building, record);
      this.#building.length = 0;
      throw error;
    }
    this.#building.push(record);
    try {
      const cls = record.useClass;
      return runInFrame(frame, cls !== null ? () => new cls() : (record.factory as () => unknown));
    } finally {
      this.#building.pop();
    }
  }
}

/** A request-scoped or transient factory returned `value`, a promise: refused (only singletons may be async). */
export function shortLivedAsync(record: ProviderRecord, value: PromiseLike<unknown>): AsyncProviderError {
  // Nobody will await it; keep a later rejection from crashing the process.
  Promise.resolve(value).catch(() => {});
  return new AsyncProviderError(
    `${providerLabel(record)} is ${record.scope}-scoped but its factory returned a promise. Only singleton ` +
      "providers can be async (they are awaited once, at start-up): make it a singleton, or provide a " +
      "synchronous factory that returns an object with async methods.",
  );
}

/** `record` was asked for again while `building` (outermost first) was still being built. */
export function circularError(building: readonly ProviderRecord[], record: ProviderRecord): CircularDependencyError {
  const chain = [...building.slice(building.indexOf(record)), record].map((r) => tokenName(r.token)).join(" → ");
  return new CircularDependencyError(
    `Circular dependency: ${chain}. Break the cycle by moving the shared part into its own provider, or by resolving one side lazily.`,
  );
}

/** The token, and the class behind it when that has another name (a multi contribution, useClass). */
function recordName(record: ProviderRecord): string {
  const name = tokenName(record.token);
  const cls = record.useClass;
  return cls !== null && cls !== record.token ? `${cls.name} (for ${name})` : name;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
