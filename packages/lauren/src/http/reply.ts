/**
 * Responses other than "a plain value is 200 JSON". `HttpResponse` is the extension point:
 * anything that writes itself (a reply, an event stream, a file) subclasses it.
 */
import type { ServerResponse } from "node:http";
import type { Logger } from "../app/logger.js";
import { extraHeaders, sendPayload } from "./body.js";
import type { CompressionPolicy } from "./compress.js";
import type { SetCookie } from "./send.js";
import type { Serialize } from "./serialize.js";

/** What a response may need while it writes itself. */
export interface ResponseEnv {
  /** Aborted when the app shuts down; long-lived responses (streams) end on it. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** The route's compression policy; absent or null when the route does not compress. */
  readonly compression?: CompressionPolicy | null;
}

export type HeaderMap = Readonly<Record<string, string | number | readonly string[]>>;

export abstract class HttpResponse {
  /**
   * Writes the whole response. `setCookie` is the session cookie to send with the headers
   * (already persisted), or null.
   */
  abstract writeTo(res: ServerResponse, setCookie: SetCookie, env: ResponseEnv): void | Promise<void>;
}

export interface ReplyInit {
  status?: number;
  headers?: HeaderMap;
}

export class Reply extends HttpResponse {
  readonly body: unknown;
  readonly status: number;
  readonly headers: HeaderMap;

  constructor(body: unknown, init: ReplyInit = {}) {
    super();
    this.body = body;
    this.status = init.status ?? 200;
    this.headers = init.headers ?? {};
  }

  /** `serialize`: the route's response schema serializer, when the reply carries the declared body. */
  writeTo(res: ServerResponse, setCookie: SetCookie, env: ResponseEnv, serialize: Serialize | null = null): void | Promise<void> {
    const { body } = this;
    let payload: string | Buffer | null;
    let type: string | null = null;
    if (body === undefined || body === null) payload = null;
    else if (typeof body === "string") {
      payload = body;
      type = TEXT;
    } else if (body instanceof Uint8Array) {
      payload = asBuffer(body);
      type = OCTETS;
    } else {
      payload = serialize === null ? JSON.stringify(body) : serialize(body);
      type = "application/json";
    }
    const { extra, hasType } = extraHeaders(this.headers);
    return sendPayload(res, this.status, hasType ? null : type, extra, setCookie, payload, env);
  }
}

export const TEXT = "text/plain; charset=utf-8";
export const OCTETS = "application/octet-stream";

/** The same bytes as a Buffer, without a copy. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Any status and headers: `return reply(hero, { status: 201, headers: { location } })`. */
export function reply(body: unknown, init?: ReplyInit): Reply {
  return new Reply(body, init);
}

/** A redirect (302 unless told otherwise) to `location`. */
export function redirect(location: string, status = 302): Reply {
  return new Reply(null, { status, headers: { location } });
}
