export { Container, type ModuleScope, type ProviderRecord, type RequestCache } from "./container.js";
export { inject } from "./inject.js";
export * from "./providers.js";
export * from "./token.js";
