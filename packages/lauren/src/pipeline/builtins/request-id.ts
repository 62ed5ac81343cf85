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
/** The id up to its last three hex digits; redrawn every 4,096 ids. */
let block = "";
/** "000" … "fff": the last three digits come from here, so most ids cost one join. */
const TAILS = Array.from({ length: 0x1000 }, (_, i) => i.toString(16).padStart(3, "0"));

/**
 * A fresh request id: `xxxxxxxx-xxxx-4xxx-yxxx-` drawn at random once per process, then a
 * 12-hex-digit counter. Unique within the process and, by the random part, across processes
 * and restarts; a request id needs to be unique, not unguessable, and drawing entropy per
 * request costs several times this. The id is flattened here because node checks every
 * header value with a regular expression, which on a joined (rope) string takes a slow path.
 */
export function nextRequestId(): string {
  counter = (counter + 1) % 0x1000000000000;
  const low = counter & 0xfff;
  if (low === 0 || prefix === null) {
    prefix ??= randomUUID().slice(0, 24);
    block =
      prefix +
      Math.floor(counter / 0x1000)
        .toString(16)
        .padStart(9, "0");
  }
  const id = block + (TAILS[low] as string);
  id.charCodeAt(0);
  return id;
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
