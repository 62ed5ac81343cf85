/**
 * What each module can see and what it exports, worked out to a fixed point so that modules
 * importing each other (through forward references) and re-exports of whole modules settle.
 * Lists of records per token grow only, so the loop ends; a multi-binding's list keeps
 * module order: global modules, then imports in order, then the module's own.
 */
import type { ProviderRecord } from "../di/container.js";
import type { InjectionToken } from "../di/token.js";
import { tokenName } from "../di/token.js";
import { InvalidExportError } from "../errors/index.js";
import { ForwardRef, moduleOptions } from "./definition.js";
import type { CompiledModule } from "./graph.js";
import { multiRecord } from "./records.js";

type Lists = Map<InjectionToken, ProviderRecord[]>;

export function resolveVisibility(modules: readonly CompiledModule[]): void {
  const visible = new Map<CompiledModule, Lists>();
  const exported = new Map<CompiledModule, Lists>();
  for (const m of modules) exported.set(m, new Map());
  const globals = modules.filter((m) => m.global);
  let changed = true;
  while (changed) {
    changed = false;
    for (const m of modules) {
      const seen: Lists = new Map();
      for (const g of globals) if (g !== m) merge(seen, exported.get(g) as Lists);
      for (const imp of m.imports) merge(seen, exported.get(imp) as Lists);
      for (const record of m.own) merge(seen, new Map([[record.token, [record]]]));
      visible.set(m, seen);
      const out: Lists = new Map();
      for (const item of m.options.exports ?? []) {
        const target = exportedModule(m, item);
        if (target !== null) merge(out, exported.get(target) as Lists);
        else {
          const list = seen.get(item as InjectionToken);
          if (list !== undefined) merge(out, new Map([[item as InjectionToken, list]]));
        }
      }
      if (total(out) !== total(exported.get(m) as Lists)) changed = true;
      exported.set(m, out);
    }
  }
  for (const m of modules) {
    const seen = visible.get(m) as Lists;
    for (const item of m.options.exports ?? []) {
      if (exportedModule(m, item) === null && !seen.has(item as InjectionToken)) throw badExport(m, item as InjectionToken);
    }
    materialise(m, seen, m.visible);
    materialise(m, exported.get(m) as Lists, m.exported);
  }
}

function materialise(m: CompiledModule, lists: Lists, into: Map<InjectionToken, ProviderRecord>): void {
  for (const [token, list] of lists) {
    const first = list[0] as ProviderRecord;
    if (!first.multi) {
      into.set(token, first);
      continue;
    }
    const own = m.providers.get(token);
    const same = own?.members?.length === list.length && list.every((r, i) => own.members?.[i] === r);
    into.set(token, same ? (own as ProviderRecord) : multiRecord(token, list, m));
  }
}

function merge(into: Lists, from: Lists): void {
  for (const [token, list] of from) {
    const target = into.get(token);
    if (target === undefined) into.set(token, [...list]);
    else for (const record of list) if (!target.includes(record)) target.push(record);
  }
}

function total(lists: Lists): number {
  let n = 0;
  for (const list of lists.values()) n += list.length;
  return n;
}

/** The import an `exports` entry names when it re-exports a whole module, else null (a token). */
function exportedModule(m: CompiledModule, item: unknown): CompiledModule | null {
  const target = item instanceof ForwardRef ? item.resolve() : item;
  const imported = m.imports.find((imp) => imp.key === target || imp.cls === target);
  if (imported !== undefined) return imported;
  const isModule =
    moduleOptions(target) !== undefined ||
    (typeof target === "object" && target !== null && typeof (target as { module?: unknown }).module === "function");
  if (!isModule) return null;
  const name = typeof target === "function" ? target.name : (target as { module: { name: string } }).module.name;
  throw new InvalidExportError(
    `${m.name} exports the module ${name} but does not import it. Add ${name} to ${m.name}'s imports, or remove it from its exports.`,
  );
}

function badExport(m: CompiledModule, token: InjectionToken): InvalidExportError {
  const name = tokenName(token);
  return new InvalidExportError(
    `${m.name} exports ${name}, which it neither provides nor imports. ` +
      `Add ${name} to ${m.name}'s providers, or import the module that exports it.`,
  );
}
