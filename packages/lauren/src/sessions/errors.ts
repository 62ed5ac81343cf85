/**
 * The three ways sessions fail: a configuration refused at start-up, a store that cannot
 * be reached (fail closed with a 503, never an anonymous fallback), and a stateless cookie
 * that would exceed the browser's size limit (never sent truncated).
 */
import { type ErrorDetail, HttpError, StartupError } from "../errors/index.js";

/** Unsafe or contradictory `sessions` options; the message says what to change. */
export class SessionConfigError extends StartupError {}

/** Seconds a client should wait before retrying while the store is down. */
const RETRY_AFTER_SECONDS = "5";

/** The session store (or revocation store) failed; the response is a 503 without `Set-Cookie`. */
export class SessionStoreUnavailableError extends HttpError {
  static override status = 503;
  static override code = "session_store_unavailable";

  constructor(
    message = "the session store is unavailable; try again shortly",
    detail?: ErrorDetail,
    options?: { headers?: Record<string, string>; cause?: unknown },
  ) {
    super(message, detail, {
      headers: { "Retry-After": RETRY_AFTER_SECONDS, ...options?.headers },
      cause: options?.cause,
    });
  }
}

/** A `SignedCookieSessionStore` cookie grew past `maxBytes`; nothing is sent truncated. */
export class SessionTooLargeError extends HttpError {
  static override status = 500;
  static override code = "session_too_large";
}

/**
 * The error the framework raises when a handler reads the session of an app without
 * sessions. Built here so its wording stays next to the options it tells the user to set.
 */
export function sessionsDisabledError(route: string): SessionConfigError {
  return new SessionConfigError(
    `${route} reads ctx.session, but sessions are off. Enable them with ` +
      "LaurenFactory.create(Root, { sessions: { secret } }), or stop reading ctx.session in this route.",
  );
}
