export { type CompiledModule, compileModules, declaredScope, explainMissing, moduleOptions, toRecord } from "./graph.js";
