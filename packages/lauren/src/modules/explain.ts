import type { ModuleScope } from "../di/container.js";
import type { InjectionToken } from "../di/token.js";
import { tokenName } from "../di/token.js";
import type { CompiledModule } from "./graph.js";

/** Explains why `token` is not visible from `scope`, with the fix; used in MissingProviderError. */
export function explainMissing(modules: readonly CompiledModule[], token: InjectionToken, scope: ModuleScope): string {
  const name = tokenName(token);
  const owner = modules.find((m) => m.providers.has(token));
  if (owner === undefined) {
    return (
      `but nothing provides it. Add ${name} to ${scope.name}'s providers (or provide it in a module that ${scope.name} imports ` +
      "and export it there), or inject it with inject(token, { optional: true }) if it may be absent."
    );
  }
  const importer = modules.find((m) => m === scope);
  if (importer?.imports.includes(owner)) {
    return `which ${owner.name} provides but does not export. Add ${name} to ${owner.name}'s exports.`;
  }
  const exportedHint = owner.exported.has(token) ? "" : ` and add ${name} to ${owner.name}'s exports`;
  return `which only ${owner.name} provides. Import ${owner.name} in ${scope.name}${exportedHint}.`;
}
