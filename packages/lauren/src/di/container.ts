/**
 * The container resolves tokens by module visibility and scope. Every provider record is
 * created at start-up; singletons are built then too, so a wrong `inject()` fails in
 * `LaurenFactory.create()` instead of on the first request that needs it.
 */
import { CircularDependencyError, MissingProviderError, ScopeMismatchError } from "../errors/index.js";
import { type InjectionFrame, runInFrame } from "./inject.js";
import { Scope } from "./providers.js";
import type { Class, InjectionToken } from "./token.js";
import { tokenName } from "./token.js";

export type RecordKind = "class" | "value" | "factory" | "existing";

export interface ProviderRecord {
  readonly token: InjectionToken;
  readonly kind: RecordKind;
  readonly scope: Scope;
  /** The module that declares it; null for global providers. */
  readonly owner: ModuleScope | null;
  readonly useClass: Class<unknown> | null;
  readonly factory: (() => unknown) | null;
  readonly existing: InjectionToken | null;
  value: unknown;
  built: boolean;
}

/** What one module can see: its own providers, its imports' exports and the global ones. */
export interface ModuleScope {
  readonly name: string;
  readonly visible: Map<InjectionToken, ProviderRecord>;
}

/** Per-request instances of request-scoped providers. */
export type RequestCache = Map<ProviderRecord, unknown>;

type Lifetime = "singleton" | "request";

class Frame implements InjectionFrame {
  constructor(
    readonly container: Container,
    readonly scope: ModuleScope,
    readonly requester: string,
    readonly lifetime: Lifetime,
    readonly cache: RequestCache | null,
  ) {}

  resolve(token: InjectionToken): unknown {
    return this.container.resolveFrom(this, token);
  }
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
    return this.resolveFrom(new Frame(this, scope, requester, "singleton", null), token) as T;
  }

  /** Resolves within one request; request-scoped instances are cached in `cache`. */
  getForRequest<T>(scope: ModuleScope, token: InjectionToken<T>, cache: RequestCache, requester: string): T {
    return this.resolveFrom(new Frame(this, scope, requester, "request", cache), token) as T;
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
    if (options.track !== false) this.built.push(instance);
    return instance;
  }

  resolveFrom(frame: Frame, token: InjectionToken): unknown {
    const record = this.lookup(frame.scope, token);
    if (record === undefined) {
      throw new MissingProviderError(
        `${frame.requester} (in ${frame.scope.name}) asks for ${tokenName(token)}, ${this.#describe(token, frame.scope)}`,
      );
    }
    return this.instantiate(record, frame);
  }

  instantiate(record: ProviderRecord, frame: Frame): unknown {
    switch (record.kind) {
      case "value":
        return record.value;
      case "existing":
        return this.resolveFrom(this.#frameFor(record, frame), record.existing as InjectionToken);
      default:
        break;
    }
    if (record.scope === Scope.SINGLETON) {
      if (record.built) return record.value;
      const value = this.#build(record, this.#frameFor(record, frame, "singleton"));
      record.value = value;
      record.built = true;
      this.built.push(value);
      return value;
    }
    if (record.scope === Scope.REQUEST) {
      if (frame.lifetime === "singleton") {
        throw new ScopeMismatchError(
          `${frame.requester} lives for the whole app but depends on ${tokenName(record.token)}, which is request-scoped. ` +
            `Resolve ${tokenName(record.token)} per request with ctx.resolve() in the handler, or make ${frame.requester} ` +
            "request-scoped too if it is a provider (controllers always live for the whole app).",
        );
      }
      const cache = frame.cache as RequestCache;
      if (cache.has(record)) return cache.get(record);
      const value = this.#build(record, this.#frameFor(record, frame));
      cache.set(record, value);
      return value;
    }
    return this.#build(record, this.#frameFor(record, frame));
  }

  #frameFor(record: ProviderRecord, from: Frame, lifetime: Lifetime = from.lifetime): Frame {
    const scope = record.owner ?? from.scope;
    return new Frame(this, scope, tokenName(record.token), lifetime, lifetime === "request" ? from.cache : null);
  }

  #build(record: ProviderRecord, frame: Frame): unknown {
    if (this.#building.includes(record)) {
      const start = this.#building.indexOf(record);
      const chain = [...this.#building.slice(start), record].map((r) => tokenName(r.token)).join(" → ");
      this.#building.length = 0;
      throw new CircularDependencyError(
        `Circular dependency: ${chain}. Break the cycle by moving the shared part into its own provider, ` +
          "or by resolving one side lazily.",
      );
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
