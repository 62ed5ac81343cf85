/**
 * Errors a gateway sends back as frames, in the same envelope as HTTP errors
 * (`{"error":{"code","message","detail"}}`), so clients parse one shape. A bad frame gets
 * an error frame and the connection stays open: one malformed message is not worth a
 * reconnect.
 */
import { HttpError } from "../../errors/index.js";

/** Something went wrong handling a message; the detail names only the exception's class. */
export class WebSocketError extends HttpError {
  static override status = 500;
  static override code = "websocket_error";
}

/** A frame that is not JSON, not an object, names no or an unknown event, or fails its schema. */
export class WebSocketValidationError extends HttpError {
  static override status = 422;
  static override code = "websocket_validation_error";
}

/** The frame for anything a handler threw: an HttpError's own envelope, else a generic one. */
export function errorFrame(thrown: unknown): { frame: string; unexpected: boolean } {
  if (thrown instanceof HttpError) return { frame: JSON.stringify(thrown.toJSON()), unexpected: false };
  const type = thrown instanceof Error ? thrown.constructor.name : typeof thrown;
  return { frame: JSON.stringify(new WebSocketError("internal error", { type }).toJSON()), unexpected: true };
}
