export { ExecutionContext, type RouteDescriptor } from "./execution-context.js";
export type { Guard, GuardLike } from "./types.js";
