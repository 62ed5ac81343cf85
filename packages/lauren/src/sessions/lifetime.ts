/**
 * The absolute lifetime (`sessions.absoluteTimeout`): a session ends that many seconds after
 * it was created, whatever its activity. The creation time rides in the session data, so it
 * survives `regenerateId()` (which therefore never extends the lifetime) and works the same
 * with every store; it is written when the session is first saved.
 */
import { SessionConfigError } from "./errors.js";

/** The session key holding the creation time (epoch seconds), set only with `absoluteTimeout`. */
export const CREATED_KEY = "_created";

/** Start-up check of how `absoluteTimeout` combines with the other lifetimes. */
export function checkAbsoluteTimeout(absolute: number | null, idleTimeout: number | null): void {
  if (absolute === null) return;
  if (idleTimeout !== null && absolute <= idleTimeout) {
    throw new SessionConfigError(
      `sessions.absoluteTimeout (${absolute} s) must be longer than idleTimeout (${idleTimeout} s), or the idle timeout could never take effect; raise absoluteTimeout or lower idleTimeout`,
    );
  }
}
