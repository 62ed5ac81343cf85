/** The door bouncer: a badge guard and a custom error (tutorial step 5). */

// --8<-- [start:code]
import { type ExecutionContext, type Guard, HttpError, injectable } from "lauren";

// A tutorial keeps its badges in code; a real HQ loads them from a secrets manager.
const VALID_BADGES: ReadonlySet<string> = new Set(["hq-badge-007"]);

/** 403: someone without a valid HQ badge tried to get in. */
export class VillainDetectedError extends HttpError {
  static override status = 403;
  static override code = "villain_detected";
}

/** Checks the X-HQ-Badge header before a protected route runs. */
@injectable()
export class BadgeGuard implements Guard {
  /** Documented in OpenAPI on every route this guard protects. */
  static readonly raises = [VillainDetectedError];
  /** The security scheme it enforces: "badge", declared in main.ts. */
  static readonly security = "badge";

  canActivate(ctx: ExecutionContext): boolean {
    const badge = ctx.request.header("x-hq-badge");
    if (badge === undefined || !VALID_BADGES.has(badge)) {
      throw new VillainDetectedError("halt! that is not a valid HQ badge", {
        hint: "send a valid X-HQ-Badge header",
      });
    }
    return true;
  }
}
// --8<-- [end:code]
