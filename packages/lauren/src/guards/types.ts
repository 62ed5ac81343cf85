import type { Class } from "../di/token.js";
import type { ExecutionContext } from "./execution-context.js";

/** A guard decides whether a request may reach its handler. */
export interface Guard {
  canActivate(ctx: ExecutionContext): boolean | Promise<boolean>;
}

export type GuardLike = Class<Guard> | Guard;
