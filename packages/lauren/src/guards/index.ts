export { ExecutionContext, type RouteDescriptor } from "./execution-context.js";
export { type GuardEntry, GuardFactory, guardFor } from "./registry.js";
export { runGuards } from "./run.js";
export type { Guard, GuardLike } from "./types.js";
