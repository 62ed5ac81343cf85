/**
 * `requestId()`: every request gets an id, echoed in `X-Request-Id` and carried by every log
 * line of the request. A well-formed incoming id (from a proxy or the caller) is kept, so one
 * id follows a request through several services; anything else is replaced by a fresh one.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ConfigurationError } from "../../errors/index.js";
import { type MiddlewareFn, runsWhileDraining } from "../middleware.js";
import { withHeaderStep } from "../prelude.js";
import type { PendingResponse } from "../response.js";

export interface RequestIdOptions {
  /** The header read and written. Default "x-request-id". */
  header?: string;
  /** Keep a well-formed incoming id. Default true; false always generates. */
  trustIncoming?: boolean;
  /** Makes a new id. Default: UUID-shaped, a random part per process then a counter (see `nextRequestId`). */
  generate?: () => string;
}

/** Up to 128 characters of letters, digits and `-_.:@/+=`: safe in headers and log lines. */
const WELL_FORMED = /^[A-Za-z0-9\-_.:@/+=]{1,128}$/;

/** A random UUID's first 24 characters, drawn once per process: what makes ids unique across processes. */
let prefix: string | null = null;
let counter = 0;

/**
 * A fresh request id: `xxxxxxxx-xxxx-4xxx-yxxx-` drawn at random once per process, then a
 * 12-hex-digit counter. Unique within the process and, by the random part, across processes
 * and restarts; it costs a string join where a new `randomUUID()` draws entropy, and a request
 * id needs to be unique, not unguessable.
 */
export function nextRequestId(): string {
  prefix ??= randomUUID().slice(0, 24);
  counter = (counter + 1) % 0x1000000000000;
  return prefix + counter.toString(16).padStart(12, "0");
}

export function requestId(options: RequestIdOptions = {}): MiddlewareFn {
  const header = (options.header ?? "x-request-id").toLowerCase();
  if (!/^[a-z0-9-]+$/.test(header)) throw new ConfigurationError(`requestId: ${header} is not a header name.`);
  const trust = options.trustIncoming !== false;
  const generate = options.generate ?? nextRequestId;
  const choose = (req: IncomingMessage): string => {
    const incoming = trust ? req.headers[header] : undefined;
    return typeof incoming === "string" && WELL_FORMED.test(incoming) ? incoming : generate();
  };
  const fn = runsWhileDraining(function requestId(ctx, next) {
    const id = choose(ctx.request.raw);
    ctx.requestId = id;
    (ctx.response as PendingResponse).addDefaults([header, id]);
    return next();
  });
  return withHeaderStep(fn, {
    names: [header],
    apply(req, _trustProxy, out) {
      const id = choose(req);
      out.push(header, id);
      return id;
    },
  });
}
