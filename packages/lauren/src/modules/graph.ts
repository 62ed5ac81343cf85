/**
 * Compiles the module graph once: finds every module (following forward references),
 * refuses import cycles that no forward reference marks as intended, turns providers into
 * records and works out what each module can see. Visibility is not transitive: a module
 * sees its own providers, what its direct imports export and what global modules export.
 */
import type { ModuleScope, ProviderRecord } from "../di/container.js";
import type { Class, InjectionToken } from "../di/token.js";
import { tokenName } from "../di/token.js";
import { CircularModuleImportError, DuplicateProviderError, InvalidModuleError } from "../errors/index.js";
import { type DynamicModule, ForwardRef, type ModuleImport, type ModuleOptions, moduleOptions } from "./definition.js";
import { type IsController, multiRecord, toRecord } from "./records.js";
import { resolveVisibility } from "./visibility.js";

export interface CompiledModule extends ModuleScope {
  readonly cls: Class<unknown>;
  /** The class, or the dynamic definition object: what `imports` entries are matched by. */
  readonly key: object;
  readonly options: ModuleOptions;
  readonly global: boolean;
  /** Every record the module declares, multi contributions included, in listing order. */
  readonly own: ProviderRecord[];
  /** Own providers by token (a multi-binding maps to the module's own contributions). */
  readonly providers: Map<InjectionToken, ProviderRecord>;
  readonly imports: CompiledModule[];
  readonly controllers: readonly Class<unknown>[];
  readonly exported: Map<InjectionToken, ProviderRecord>;
}

export interface CompileModulesOptions {
  /** Refuses controllers listed under `providers`. */
  isController?: IsController;
}

/** Returns every module reachable from `root`, dependencies first and the root last. */
export function compileModules(root: Class<unknown>, options: CompileModulesOptions = {}): CompiledModule[] {
  const modules = discover(root);
  declareProviders(modules, options.isController);
  resolveVisibility(modules);
  return modules;
}

interface StackEntry {
  readonly key: object;
  readonly name: string;
  /** Whether the import that led here was a forward reference. */
  readonly forward: boolean;
}

function discover(root: Class<unknown>): CompiledModule[] {
  const found = new Map<object, CompiledModule>();
  const order: CompiledModule[] = [];
  const stack: StackEntry[] = [];

  const visit = (entry: unknown, importer: string | null, forward: boolean): CompiledModule => {
    const def = normalise(entry, importer);
    const onStack = stack.findIndex((s) => s.key === def.key);
    if (onStack !== -1) {
      const cycle = stack.slice(onStack);
      // A cycle is intended when any import along it is a forward reference.
      if (forward || cycle.slice(1).some((s) => s.forward)) return found.get(def.key) as CompiledModule;
      throw cycleError(cycle, def.name);
    }
    const seen = found.get(def.key);
    if (seen !== undefined) return seen;
    const compiled: CompiledModule = {
      cls: def.cls,
      key: def.key,
      name: def.name,
      options: def.options,
      global: def.options.global === true,
      own: [],
      providers: new Map(),
      imports: [],
      controllers: def.options.controllers ?? [],
      exported: new Map(),
      visible: new Map(),
    };
    found.set(def.key, compiled);
    stack.push({ key: def.key, name: def.name, forward });
    (def.options.imports ?? []).forEach((imp, i) => {
      if (imp === undefined || imp === null) throw undefinedImport(def.name, i);
      const isForward = imp instanceof ForwardRef;
      compiled.imports.push(visit(isForward ? imp.resolve() : imp, def.name, isForward));
    });
    stack.pop();
    order.push(compiled);
    return compiled;
  };

  visit(root, null, false);
  return order;
}

interface Definition {
  readonly key: object;
  readonly cls: Class<unknown>;
  readonly name: string;
  readonly options: ModuleOptions;
}

/** A class with `@module`, or a dynamic definition merged over its class's `@module` options. */
export function normalise(entry: unknown, importer: string | null): Definition {
  if (typeof entry === "function") {
    const options = moduleOptions(entry);
    if (options === undefined) {
      const role = importer === null ? "the root module" : `imported by ${importer}`;
      throw new InvalidModuleError(`${entry.name} is ${role} but is not a module: decorate it with @module({...}).`);
    }
    return { key: entry, cls: entry as Class<unknown>, name: entry.name, options };
  }
  if (typeof entry === "object" && entry !== null && typeof (entry as DynamicModule).module === "function") {
    const dynamic = entry as DynamicModule;
    const base = moduleOptions(dynamic.module) ?? {};
    const options: ModuleOptions = {
      controllers: [...(base.controllers ?? []), ...(dynamic.controllers ?? [])],
      providers: [...(base.providers ?? []), ...(dynamic.providers ?? [])],
      imports: [...(base.imports ?? []), ...(dynamic.imports ?? [])],
      exports: [...(base.exports ?? []), ...(dynamic.exports ?? [])],
      global: dynamic.global ?? base.global ?? false,
    };
    return { key: dynamic, cls: dynamic.module, name: dynamic.module.name, options };
  }
  if (entry === undefined || entry === null) {
    throw new InvalidModuleError(`${importer ?? "LaurenFactory.create()"} was given ${String(entry)} where a module was expected.`);
  }
  const where = importer === null ? "as the root module" : `in ${importer}'s imports`;
  throw new InvalidModuleError(
    `${String(entry)} is listed ${where} but is not a module: use a @module class or a dynamic module ({ module, providers, exports }).`,
  );
}

function cycleError(cycle: readonly StackEntry[], closing: string): CircularModuleImportError {
  const chain = [...cycle.map((s) => s.name), closing].join(" → ");
  const last = cycle[cycle.length - 1] as StackEntry;
  return new CircularModuleImportError(
    `Modules import each other in a cycle: ${chain}. If they really need each other, mark one import of the cycle ` +
      `as a forward reference, for example in ${last.name}: imports: [forwardRef(() => ${closing})]. ` +
      "Otherwise move what they share into a separate module that both import.",
  );
}

function undefinedImport(importer: string, index: number): InvalidModuleError {
  return new InvalidModuleError(
    `${importer}'s imports[${index}] is undefined. The imported module's class was not initialised yet: ` +
      "two files import each other, or the module is declared further down the file. " +
      "Write the import as forwardRef(() => OtherModule).",
  );
}

/** Creates each module's records; one token has one provider in the whole app, unless it is a multi-binding. */
function declareProviders(modules: readonly CompiledModule[], isController: IsController | undefined): void {
  const owners = new Map<InjectionToken, CompiledModule>();
  for (const module of modules) {
    const contributions = new Map<InjectionToken, ProviderRecord[]>();
    for (const provider of module.options.providers ?? []) {
      const record = toRecord(provider, module, module.name, isController);
      module.own.push(record);
      const token = record.token;
      const previous = owners.get(token);
      if (record.multi) {
        if (module.providers.has(token) && !contributions.has(token)) throw mixedMulti(token, module.name);
        if (previous !== undefined && !hasMulti(previous, token)) throw mixedMulti(token, `${previous.name} and ${module.name}`);
        owners.set(token, module);
        const list = contributions.get(token) ?? [];
        if (list.length === 0) contributions.set(token, list);
        list.push(record);
        continue;
      }
      if (previous !== undefined) {
        if (hasMulti(previous, token)) throw mixedMulti(token, `${previous.name} and ${module.name}`);
        throw duplicate(token, previous, module);
      }
      owners.set(token, module);
      module.providers.set(token, record);
    }
    for (const [token, members] of contributions) module.providers.set(token, multiRecord(token, members, module));
  }
}

/**
 * Joins the factory's `globalProviders` to the compiled graph. One token still has one
 * provider in the whole app: a single global provider that a module also provides (or that
 * `globalProviders` lists twice) is refused, as is mixing multi and single providers. Multi
 * contributions from `globalProviders` are collected with the modules' ones, global ones
 * first, so a module that contributes to a binding never hides the global contributions.
 */
export function joinGlobalProviders(
  modules: readonly CompiledModule[],
  globals: readonly ProviderRecord[],
  owner: ModuleScope,
  builtIn: ReadonlyMap<InjectionToken, string> = new Map(),
): Map<InjectionToken, ProviderRecord> {
  const singles = new Map<InjectionToken, ProviderRecord>();
  const multi = new Map<InjectionToken, ProviderRecord[]>();
  for (const record of globals) {
    const token = record.token;
    refuseBuiltIn(token, "globalProviders", builtIn);
    if (record.multi ? singles.has(token) : multi.has(token)) throw mixedMulti(token, "globalProviders");
    if (record.multi) multi.set(token, [...(multi.get(token) ?? []), record]);
    else if (singles.has(token)) {
      throw new DuplicateProviderError(
        `globalProviders lists ${tokenName(token)} twice, so one would silently replace the other. ` +
          "Keep one, or mark each with multi: true to collect them all as an array.",
      );
    } else singles.set(token, record);
  }
  for (const module of modules) {
    for (const { token, multi: isMulti } of module.own) {
      refuseBuiltIn(token, `${module.name}'s providers`, builtIn);
      if (!singles.has(token) && !(multi.has(token) && !isMulti)) continue;
      if (multi.has(token) || isMulti) throw mixedMulti(token, `globalProviders and ${module.name}`);
      const name = tokenName(token);
      throw new DuplicateProviderError(
        `${name} is provided by both globalProviders and ${module.name}, which would make two separate instances ` +
          `(${module.name} and the modules importing it would get their own). Keep one: remove it from ${module.name}'s ` +
          `providers to use the global one everywhere, or remove it from globalProviders and export it from ${module.name}.`,
      );
    }
  }
  const out = new Map<InjectionToken, ProviderRecord>(singles);
  for (const [token, members] of multi) {
    out.set(token, multiRecord(token, members, owner));
    for (const module of modules) {
      const seen = module.visible.get(token);
      if (seen?.kind === "multi") module.visible.set(token, multiRecord(token, [...members, ...(seen.members ?? [])], module));
    }
  }
  return out;
}

function refuseBuiltIn(token: InjectionToken, where: string, builtIn: ReadonlyMap<InjectionToken, string>): void {
  const source = builtIn.get(token);
  if (source === undefined) return;
  const name = tokenName(token);
  throw new DuplicateProviderError(
    `${name} is listed in ${where}, but ${source} already provides it to every module. Remove it from ${where} and inject the one it provides.`,
  );
}

function hasMulti(module: CompiledModule, token: InjectionToken): boolean {
  return module.providers.get(token)?.kind === "multi" || module.own.some((r) => r.token === token && r.multi);
}

function duplicate(token: InjectionToken, first: CompiledModule, second: CompiledModule): DuplicateProviderError {
  const name = tokenName(token);
  if (first === second) {
    return new DuplicateProviderError(
      `${first.name} lists ${name} twice in its providers. Keep one, or mark each with multi: true to collect them all as an array.`,
    );
  }
  const same = first.name === second.name ? ` (two definitions of ${first.name}: is a dynamic module set up twice?)` : "";
  return new DuplicateProviderError(
    `${name} is provided by both ${first.name} and ${second.name}${same}, which would make two separate instances. ` +
      `Provide it in one module, add it to that module's exports, and import that module where ${name} is needed.`,
  );
}

function mixedMulti(token: InjectionToken, where: string): DuplicateProviderError {
  const name = tokenName(token);
  return new DuplicateProviderError(
    `${name} has both multi (multi: true) and single providers (in ${where}). Mark every provider of ${name} with ` +
      "multi: true to collect them as an array, or keep a single provider.",
  );
}

export type { ModuleImport };
