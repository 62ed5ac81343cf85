/**
 * Compiles the module graph once: checks imports for cycles, turns providers into records,
 * validates exports and works out what each module can see. Visibility is not transitive:
 * a module sees its own providers and what its direct imports export.
 */
import { INJECTABLE, MODULE } from "../decorators/kinds.js";
import type { ModuleOptions } from "../decorators/module.js";
import type { ModuleScope, ProviderRecord } from "../di/container.js";
import { type Provider, Scope } from "../di/providers.js";
import type { Class, InjectionToken } from "../di/token.js";
import { tokenName } from "../di/token.js";
import { CircularModuleImportError, InvalidExportError, InvalidModuleError } from "../errors/index.js";
import { readMeta } from "../metadata/index.js";

export interface CompiledModule extends ModuleScope {
  readonly cls: Class<unknown>;
  readonly providers: Map<InjectionToken, ProviderRecord>;
  readonly imports: CompiledModule[];
  readonly controllers: readonly Class<unknown>[];
  readonly exported: Map<InjectionToken, ProviderRecord>;
}

export function moduleOptions(cls: unknown): ModuleOptions | undefined {
  return readMeta(cls)?.kinds.get(MODULE) as ModuleOptions | undefined;
}

/** Scope from `@injectable({ scope })`, singleton when the class has none. */
export function declaredScope(cls: unknown): Scope {
  const meta = readMeta(cls)?.kinds.get(INJECTABLE) as { scope: Scope } | undefined;
  return meta?.scope ?? Scope.SINGLETON;
}

export function toRecord(provider: Provider, owner: ModuleScope | null, where: string): ProviderRecord {
  const base = { owner, useClass: null, factory: null, existing: null, value: undefined, built: false };
  if (typeof provider === "function") {
    return { ...base, token: provider, kind: "class", scope: declaredScope(provider), useClass: provider };
  }
  if (typeof provider !== "object" || provider === null || !("provide" in provider)) {
    throw new InvalidModuleError(
      `${where} lists ${String(provider)} as a provider. A provider is a class, or an object ` +
        "{ provide, useClass | useValue | useFactory | useExisting }.",
    );
  }
  const token = provider.provide;
  if ("useValue" in provider) return { ...base, token, kind: "value", scope: Scope.SINGLETON, value: provider.useValue, built: true };
  if ("useClass" in provider) {
    return { ...base, token, kind: "class", scope: provider.scope ?? declaredScope(provider.useClass), useClass: provider.useClass };
  }
  if ("useFactory" in provider)
    return { ...base, token, kind: "factory", scope: provider.scope ?? Scope.SINGLETON, factory: provider.useFactory };
  if ("useExisting" in provider) return { ...base, token, kind: "existing", scope: Scope.SINGLETON, existing: provider.useExisting };
  throw new InvalidModuleError(
    `${where} provides ${tokenName(token)} without saying how: add useClass, useValue, useFactory or useExisting.`,
  );
}

export function compileModules(root: Class<unknown>): CompiledModule[] {
  const done = new Map<Class<unknown>, CompiledModule>();
  const order: CompiledModule[] = [];
  const stack: Class<unknown>[] = [];

  const visit = (cls: Class<unknown>, importer: string | null): CompiledModule => {
    const seen = done.get(cls);
    if (seen !== undefined) return seen;
    if (stack.includes(cls)) {
      const chain = [...stack.slice(stack.indexOf(cls)), cls].map((c) => c.name).join(" → ");
      throw new CircularModuleImportError(
        `Modules import each other in a cycle: ${chain}. Move what they share into a separate module that both import.`,
      );
    }
    const options = moduleOptions(cls);
    if (options === undefined) {
      const role = importer === null ? "the root module" : `imported by ${importer}`;
      throw new InvalidModuleError(
        `${typeof cls === "function" ? cls.name : String(cls)} is ${role} but is not a module: decorate it with @module({...}).`,
      );
    }
    stack.push(cls);
    const imports = (options.imports ?? []).map((imp) => visit(imp, cls.name));
    stack.pop();
    const compiled = buildModule(cls, options, imports);
    done.set(cls, compiled);
    order.push(compiled);
    return compiled;
  };

  visit(root, null);
  return order;
}

function buildModule(cls: Class<unknown>, options: ModuleOptions, imports: CompiledModule[]): CompiledModule {
  const compiled: CompiledModule = {
    cls,
    name: cls.name,
    providers: new Map(),
    imports,
    controllers: options.controllers ?? [],
    exported: new Map(),
    visible: new Map(),
  };
  for (const provider of options.providers ?? []) {
    const record = toRecord(provider, compiled, cls.name);
    compiled.providers.set(record.token, record);
  }
  for (const imp of imports) for (const [token, record] of imp.exported) compiled.visible.set(token, record);
  for (const [token, record] of compiled.providers) compiled.visible.set(token, record);

  for (const item of options.exports ?? []) {
    const reexported = imports.find((imp) => imp.cls === item);
    if (reexported !== undefined) {
      for (const [token, record] of reexported.exported) compiled.exported.set(token, record);
      continue;
    }
    const record = compiled.visible.get(item as InjectionToken);
    if (record === undefined) {
      throw new InvalidExportError(
        `${cls.name} exports ${tokenName(item)}, which it neither provides nor imports. ` +
          `Add ${tokenName(item)} to ${cls.name}'s providers, or import the module that exports it.`,
      );
    }
    compiled.exported.set(item as InjectionToken, record);
  }
  return compiled;
}

/** Explains why `token` is not visible from `scope`, with the fix; used in MissingProviderError. */
export function explainMissing(modules: readonly CompiledModule[], token: InjectionToken, scope: ModuleScope): string {
  const name = tokenName(token);
  const owner = modules.find((m) => m.providers.has(token));
  if (owner === undefined) {
    return `but nothing provides it. Add ${name} to ${scope.name}'s providers (or provide it in a module that ${scope.name} imports and export it there).`;
  }
  const importer = modules.find((m) => m.name === scope.name);
  if (importer?.imports.includes(owner)) {
    return `which ${owner.name} provides but does not export. Add ${name} to ${owner.name}'s exports.`;
  }
  const exportedHint = owner.exported.has(token) ? "" : ` and add ${name} to ${owner.name}'s exports`;
  return `which only ${owner.name} provides. Import ${owner.name} in ${scope.name}${exportedHint}.`;
}
