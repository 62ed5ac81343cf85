export {
  Container,
  isThenable,
  type ModuleScope,
  PendingProvider,
  type ProviderRecord,
  providerLabel,
  type RequestCache,
} from "./container.js";
export { DryRun, dryRunOf } from "./dry-run.js";
export { type InjectOptions, inject } from "./inject.js";
export * from "./providers.js";
export * from "./token.js";
