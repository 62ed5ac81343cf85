/**
 * The start-up check of what is only built per request: request-scoped controllers and
 * guards, request-scoped and transient providers. Their dependencies are whatever their
 * constructors ask `inject()` for, so the only way to learn them is to run the constructors;
 * building them for real at start-up would run real work (open a transaction, take a pool
 * connection) outside any request. A dry run does neither: each constructor (or factory)
 * runs once in a dry injection context whose `inject()` checks the token exactly as a request
 * would (visibility, cycles, async factories) and hands back an inert stand-in instead of a
 * service, so no real dependency is touched. Plain data (a value provider's config object,
 * a singleton that is a plain object) is handed over as it is, so code that branches on
 * configuration takes the branch it will take at run time. The instances are thrown away:
 * no hook runs and no request ever sees them. Only mistakes the dry run itself finds are
 * reported; anything the class's own code throws while running on stand-ins proves nothing
 * and is ignored (the request will say).
 */
import type { StartupError } from "../errors/index.js";
import { type Container, circularError, isThenable, type ModuleScope, type ProviderRecord, shortLivedAsync } from "./container.js";
import { type InjectionFrame, runInFrame } from "./inject.js";
import { Scope } from "./providers.js";
import type { InjectionToken } from "./token.js";
import { tokenName } from "./token.js";

function inert(): unknown {
  return STAND_IN;
}

/**
 * Absorbs whatever a constructor does with a dependency: any property is the stand-in again,
 * calling or constructing it gives the stand-in, it iterates as empty, converts to 0 or "",
 * and is not a thenable (so an `await` on it does not hang).
 */
const STAND_IN: unknown = new Proxy(inert, {
  get(_target, key) {
    if (key === "then") return undefined;
    if (key === Symbol.toPrimitive) return (hint: string) => (hint === "number" ? 0 : "");
    if (key === Symbol.iterator) return [][Symbol.iterator].bind([]);
    if (key === Symbol.asyncIterator) return async function* () {};
    return STAND_IN;
  },
  apply: inert,
  construct: () => STAND_IN as object,
  set: () => true,
});

/** Data that reading cannot change anything through: primitives, plain objects, arrays. */
function isPlainData(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return typeof value !== "function";
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** One app's dry runs: what was checked already, and the errors the checks raised themselves. */
export class DryRun {
  readonly #classes = new Set<unknown>();
  readonly #records = new Set<ProviderRecord>();
  readonly #raised = new WeakSet<object>();
  readonly #building: ProviderRecord[] = [];

  constructor(readonly container: Container) {}

  /**
   * Checks a class built per request that is not itself a provider (a request-scoped
   * controller or guard) by running `new cls()` dry in `scope`. `what` names it in the message.
   */
  checkClass(scope: ModuleScope, cls: new () => unknown, what: string): void {
    if (this.#classes.has(cls)) return;
    this.#classes.add(cls);
    this.#reporting(what, () => this.#run(new DryFrame(this, scope, cls.name), () => new cls()));
  }

  /** Checks a request-scoped or transient provider (nothing built it at start-up). */
  checkRecord(record: ProviderRecord, scope: ModuleScope): void {
    if (record.kind !== "class" && record.kind !== "factory") return;
    if (record.scope === Scope.SINGLETON) return;
    this.#reporting(describe(record), () => this.#value(record, scope));
  }

  resolve(frame: DryFrame, token: InjectionToken, optional: boolean): unknown {
    const record = this.container.lookup(frame.scope, token);
    if (record === undefined) {
      if (optional) return undefined;
      throw this.#raise(this.container.missing(frame.requester, frame.scope, token));
    }
    return this.#value(record, frame.scope);
  }

  #value(record: ProviderRecord, from: ModuleScope): unknown {
    switch (record.kind) {
      case "value":
        return isPlainData(record.value) ? record.value : STAND_IN;
      case "existing":
        return this.resolve(new DryFrame(this, record.owner ?? from, tokenName(record.token)), record.existing as InjectionToken, false);
      case "multi":
        return Object.freeze((record.members ?? []).map((member) => this.#value(member, from)));
      default:
        break;
    }
    if (record.scope === Scope.SINGLETON) return record.built && isPlainData(record.value) ? record.value : STAND_IN;
    if (this.#building.includes(record)) throw this.#raise(circularError(this.#building, record));
    if (this.#records.has(record)) return STAND_IN;
    this.#records.add(record);
    this.#building.push(record);
    try {
      this.#run(new DryFrame(this, record.owner ?? from, tokenName(record.token)), () => {
        const cls = record.useClass;
        const made = cls !== null ? new cls() : (record.factory as () => unknown)();
        if (isThenable(made)) throw this.#raise(shortLivedAsync(record, made));
      });
    } finally {
      this.#building.pop();
    }
    return STAND_IN;
  }

  /** Runs user code in `frame`; errors it throws on its own are no evidence of a wiring mistake. */
  #run(frame: DryFrame, build: () => unknown): void {
    try {
      runInFrame(frame, build);
    } catch (error) {
      if (this.#raised.has(error as object)) throw error;
    }
  }

  /** Adds to a mistake found while checking `what` where it was found. */
  #reporting(what: string, check: () => unknown): void {
    try {
      check();
    } catch (error) {
      const err = error as StartupError;
      if (this.#raised.has(err) && !err.message.includes("(Found at start-up")) {
        err.message += ` (Found at start-up by a dry run of ${what}, which is built per request.)`;
      }
      throw error;
    }
  }

  #raise(error: StartupError): StartupError {
    this.#raised.add(error);
    return error;
  }
}

function describe(record: ProviderRecord): string {
  const owner = record.owner?.name ?? "globalProviders";
  return `the ${record.scope}-scoped provider ${tokenName(record.token)} (provided by ${owner})`;
}

class DryFrame implements InjectionFrame {
  constructor(
    readonly run: DryRun,
    readonly scope: ModuleScope,
    readonly requester: string,
  ) {}

  resolve(token: InjectionToken, optional: boolean): unknown {
    return this.run.resolve(this, token, optional);
  }
}

const runs = new WeakMap<Container, DryRun>();

/** The app's dry runs (one per container, so nothing is checked twice). */
export function dryRunOf(container: Container): DryRun {
  let run = runs.get(container);
  if (run === undefined) {
    run = new DryRun(container);
    runs.set(container, run);
  }
  return run;
}
