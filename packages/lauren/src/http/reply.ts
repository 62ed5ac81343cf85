/**
 * Responses other than "a plain value is 200 JSON". `HttpResponse` is the extension point:
 * anything that writes itself (a reply, an event stream, a file) subclasses it.
 */
import type { ServerResponse } from "node:http";
import type { Logger } from "../app/logger.js";
import { writeBody } from "./send.js";

/** What a response may need while it writes itself. */
export interface ResponseEnv {
  /** Aborted when the app shuts down; long-lived responses (streams) end on it. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

export type HeaderMap = Readonly<Record<string, string | number | readonly string[]>>;

export abstract class HttpResponse {
  /**
   * Writes the whole response. `setCookie` is the session cookie to send with the headers
   * (already persisted), or null.
   */
  abstract writeTo(res: ServerResponse, setCookie: string | null, env: ResponseEnv): void | Promise<void>;
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

  writeTo(res: ServerResponse, setCookie: string | null): void {
    const { body } = this;
    let payload: string | Buffer | null;
    let type: string | null = null;
    if (body === undefined || body === null) payload = null;
    else if (typeof body === "string") {
      payload = body;
      type = "text/plain; charset=utf-8";
    } else if (Buffer.isBuffer(body)) {
      payload = body;
      type = "application/octet-stream";
    } else {
      payload = JSON.stringify(body);
      type = "application/json";
    }
    const extra: (string | number | readonly string[])[] = [];
    let hasType = false;
    for (const [name, value] of Object.entries(this.headers)) {
      if (name.toLowerCase() === "content-type") hasType = true;
      extra.push(name, value);
    }
    writeBody(res, this.status, hasType ? null : type, extra, setCookie, payload);
  }
}

/** Any status and headers: `return reply(hero, { status: 201, headers: { location } })`. */
export function reply(body: unknown, init?: ReplyInit): Reply {
  return new Reply(body, init);
}

/** A redirect (302 unless told otherwise) to `location`. */
export function redirect(location: string, status = 302): Reply {
  return new Reply(null, { status, headers: { location } });
}
