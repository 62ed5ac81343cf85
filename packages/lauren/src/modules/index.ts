export { type DynamicModule, ForwardRef, forwardRef, type ModuleImport, type ModuleOptions, moduleOptions } from "./definition.js";
export { explainMissing } from "./explain.js";
export { type CompiledModule, type CompileModulesOptions, compileModules, joinGlobalProviders } from "./graph.js";
export { declaredScope, type IsController, toRecord } from "./records.js";
