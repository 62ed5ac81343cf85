/**
 * `requestId()`: every request gets an id, echoed in `X-Request-Id` and carried by every log
 * line of the request. A well-formed incoming id (from a proxy or the caller) is kept, so one
 * id follows a request through several services; anything else is replaced by a fresh UUID.
 */
import { randomUUID } from "node:crypto";
import { ConfigurationError } from "../../errors/index.js";
import type { MiddlewareFn } from "../middleware.js";
import type { PendingResponse } from "../response.js";

export interface RequestIdOptions {
  /** The header read and written. Default "x-request-id". */
  header?: string;
  /** Keep a well-formed incoming id. Default true; false always generates. */
  trustIncoming?: boolean;
  /** Makes a new id. Default `crypto.randomUUID()`. */
  generate?: () => string;
}

/** Up to 128 characters of letters, digits and `-_.:@/+=`: safe in headers and log lines. */
const WELL_FORMED = /^[A-Za-z0-9\-_.:@/+=]{1,128}$/;

export function requestId(options: RequestIdOptions = {}): MiddlewareFn {
  const header = (options.header ?? "x-request-id").toLowerCase();
  if (!/^[a-z0-9-]+$/.test(header)) throw new ConfigurationError(`requestId: ${header} is not a header name.`);
  const trust = options.trustIncoming !== false;
  const generate = options.generate ?? randomUUID;
  return function requestId(ctx, next) {
    const incoming = trust ? ctx.request.raw.headers[header] : undefined;
    const id = typeof incoming === "string" && WELL_FORMED.test(incoming) ? incoming : generate();
    ctx.requestId = id;
    (ctx.response as PendingResponse).addDefaults([header, id]);
    return next();
  };
}
