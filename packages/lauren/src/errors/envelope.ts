import { HttpError, InternalServerError } from "./http-errors.js";

/** Serialises the envelope once; used for every error response. */
export function errorBody(err: HttpError): string {
  return JSON.stringify(err.toJSON());
}

/**
 * Maps anything thrown to the error the client sees. Unknown errors become a generic 500
 * that names only the exception's class: its message may hold internals, so it stays in
 * the log.
 */
export function toHttpError(err: unknown): { error: HttpError; unexpected: boolean } {
  if (err instanceof HttpError) return { error: err, unexpected: false };
  const type = err instanceof Error ? err.constructor.name : typeof err;
  return { error: new InternalServerError("internal server error", { type }), unexpected: true };
}
