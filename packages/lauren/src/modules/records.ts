/** Turns `providers` entries into provider records, refusing entries that cannot be one. */
import { INJECTABLE } from "../decorators/kinds.js";
import type { ModuleScope, ProviderRecord } from "../di/container.js";
import { type Provider, Scope } from "../di/providers.js";
import type { Class, InjectionToken } from "../di/token.js";
import { tokenName } from "../di/token.js";
import { ControllerAsProviderError, InvalidModuleError } from "../errors/index.js";
import { readMeta } from "../metadata/index.js";

/** Scope from `@injectable({ scope })`, singleton when the class has none. */
export function declaredScope(cls: unknown): Scope {
  const meta = readMeta(cls)?.kinds.get(INJECTABLE) as { scope: Scope } | undefined;
  return meta?.scope ?? Scope.SINGLETON;
}

/** Tells controllers (HTTP and WebSocket) apart from providers; supplied by the app compiler. */
export type IsController = (cls: unknown) => boolean;

export function toRecord(provider: Provider, owner: ModuleScope | null, where: string, isController?: IsController): ProviderRecord {
  const base = { owner, useClass: null, factory: null, existing: null, members: null, value: undefined, built: false, pending: null };
  if (typeof provider === "function") {
    refuseController(provider, where, isController);
    return { ...base, token: provider, kind: "class", scope: declaredScope(provider), useClass: provider, multi: false };
  }
  if (typeof provider !== "object" || provider === null || !("provide" in provider)) {
    throw new InvalidModuleError(
      `${where} lists ${String(provider)} as a provider. A provider is a class, or an object ` +
        "{ provide, useClass | useValue | useFactory | useExisting }. If it is a module, list it under imports.",
    );
  }
  const token = provider.provide as InjectionToken;
  const multi = provider.multi === true;
  if ("useValue" in provider) {
    return { ...base, token, kind: "value", scope: Scope.SINGLETON, value: provider.useValue, built: true, multi };
  }
  if ("useClass" in provider) {
    refuseController(provider.useClass, where, isController);
    const scope = provider.scope ?? declaredScope(provider.useClass);
    return { ...base, token, kind: "class", scope, useClass: provider.useClass, multi };
  }
  if ("useFactory" in provider) {
    return { ...base, token, kind: "factory", scope: provider.scope ?? Scope.SINGLETON, factory: provider.useFactory, multi };
  }
  if ("useExisting" in provider) {
    return { ...base, token, kind: "existing", scope: Scope.SINGLETON, existing: provider.useExisting as InjectionToken, multi };
  }
  throw new InvalidModuleError(
    `${where} provides ${tokenName(token)} without saying how: add useClass, useValue, useFactory or useExisting.`,
  );
}

/** The record a module's scope holds for a multi-binding: its contributions, in module order. */
export function multiRecord(token: InjectionToken, members: readonly ProviderRecord[], owner: ModuleScope): ProviderRecord {
  return {
    token,
    kind: "multi",
    scope: Scope.SINGLETON,
    owner,
    useClass: null,
    factory: null,
    existing: null,
    members,
    multi: false,
    value: undefined,
    built: false,
    pending: null,
  };
}

function refuseController(cls: Class<unknown>, where: string, isController: IsController | undefined): void {
  if (isController === undefined || !isController(cls)) return;
  throw new ControllerAsProviderError(
    `${cls.name} is a controller, but ${where} lists it under providers, so none of its routes would be served. ` +
      `Move ${cls.name} from ${where}'s providers to its controllers.`,
  );
}
