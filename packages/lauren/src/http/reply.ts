/**
 * Responses other than "a plain value is 200 JSON". `HttpResponse` is the extension point:
 * anything that writes itself (a reply, an event stream, a file) subclasses it.
 */
import type { ServerResponse } from "node:http";
import type { Logger } from "../app/logger.js";
import { extraHeaders, sendPayload } from "./body.js";
import type { CompressionPolicy } from "./compress.js";
import type { SetCookie } from "./send.js";
import type { SerializerFor } from "./serialize.js";

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
   * (already persisted), or null. `serializers`: the route's response schemas by status, for
   * a response whose body a schema may govern (a reply, NDJSON); null when it declares none.
   */
  abstract writeTo(res: ServerResponse, setCookie: SetCookie, env: ResponseEnv, serializers?: SerializerFor | null): void | Promise<void>;
}

export interface ReplyInit<S extends number = number> {
  status?: S;
  headers?: HeaderMap;
}

/** A body with a status and headers. `B` and `S` let the compiler check the body against the route's schema for `S`. */
export class Reply<B = unknown, S extends number = number> extends HttpResponse {
  readonly body: B;
  readonly status: S;
  readonly headers: HeaderMap;

  constructor(body: B, init: ReplyInit<S> = {}) {
    super();
    this.body = body;
    this.status = init.status ?? (200 as S);
    this.headers = init.headers ?? {};
  }

  /** A JSON body is written by the schema the route declares for this status, if any. */
  writeTo(res: ServerResponse, setCookie: SetCookie, env: ResponseEnv, serializers: SerializerFor | null = null): void | Promise<void> {
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
      const serialize = serializers === null ? null : serializers(this.status);
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
export function reply<B, S extends number = 200>(body: B, init?: ReplyInit<S>): Reply<B, S> {
  return new Reply(body, init);
}

/** A redirect (302 unless told otherwise) to `location`. */
export function redirect(location: string, status = 302): Reply<null> {
  return new Reply(null, { status, headers: { location } });
}
