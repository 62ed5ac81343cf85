/**
 * Default response headers (the prelude's: request id, security headers) merged into the
 * head as it is written. The server Lauren starts builds its responses from this class, so
 * the merge happens inside `writeHead`, whoever calls it (a JSON answer, an error, a file,
 * a stream, node's implicit head): the handler's own headers win, and the cheap array form
 * of `writeHead` stays the array form. Responses of any other server (a custom
 * `http.createServer(app.handler)`, the TestClient) get the same defaults through `setHeader`.
 */
import { type OutgoingHttpHeaders, ServerResponse } from "node:http";

type Head = (string | number | readonly string[])[];

export class LaurenServerResponse extends ServerResponse {
  /** Name/value pairs to add to the head unless it sets the name itself; consumed by `writeHead`. */
  defaultHeaders: readonly string[] | null = null;

  override writeHead(status: number, reason?: unknown, headers?: unknown): this {
    const defaults = this.defaultHeaders;
    if (defaults !== null) {
      this.defaultHeaders = null;
      if (typeof reason === "string") headers = withDefaults(this, defaults, headers);
      else reason = withDefaults(this, defaults, reason);
    }
    // node's writeHead takes (status, headers) and (status, reason, headers) alike: a
    // non-string `reason` is read as the headers.
    return super.writeHead(status, reason as string, headers as OutgoingHttpHeaders);
  }
}

/**
 * Writes a head that the caller built for this call alone, adding the defaults to it in place
 * (no copy). Lauren's own writers use it; any other `writeHead` gets a merged copy.
 */
export function writeOwnHead(res: ServerResponse, status: number, head: (string | string[])[]): void {
  const defaults = (res as Partial<LaurenServerResponse>).defaultHeaders;
  if (defaults !== undefined && defaults !== null) {
    (res as LaurenServerResponse).defaultHeaders = null;
    appendDefaults(res, defaults, head);
  }
  res.writeHead(status, head);
}

/** Pushes onto `head` each default it does not name itself (nor `res` already holds). */
function appendDefaults(res: ServerResponse, defaults: readonly string[], head: Head): void {
  for (let i = 0; i < defaults.length; i += 2) {
    const name = defaults[i] as string;
    if (!has(head, name) && !res.hasHeader(name)) head.push(name, defaults[i + 1] as string);
  }
}

/**
 * Whether the head names `name` (lower-case). Length and first letter are compared before
 * a case fold, which is the costly part and is then rarely needed.
 */
function has(head: Head, name: string): boolean {
  for (let i = 0; i < head.length; i += 2) {
    const at = head[i] as string;
    if (at === name) return true;
    if (at.length === name.length && (at.charCodeAt(0) | 0x20) === name.charCodeAt(0) && at.toLowerCase() === name) return true;
  }
  return false;
}

function withDefaults(res: ServerResponse, defaults: readonly string[], headers: unknown): unknown {
  if (Array.isArray(headers)) {
    // Someone else's array (it may be reused across responses): merged into a copy.
    const out = (headers as Head).slice();
    appendDefaults(res, defaults, out);
    return out;
  }
  if (headers !== undefined && headers !== null) {
    const given = headers as OutgoingHttpHeaders;
    const lower = new Set(Object.keys(given).map((name) => name.toLowerCase()));
    const out: OutgoingHttpHeaders = { ...given };
    for (let i = 0; i < defaults.length; i += 2) {
      const name = defaults[i] as string;
      if (!lower.has(name) && !res.hasHeader(name)) out[name] = defaults[i + 1] as string;
    }
    return out;
  }
  applyDefaults(res, defaults);
  return headers;
}

/** The defaults as `setHeader` calls, for a head that is still open; names already set stay. */
export function applyDefaults(res: ServerResponse, defaults: readonly string[]): void {
  for (let i = 0; i < defaults.length; i += 2) {
    const name = defaults[i] as string;
    if (!res.hasHeader(name)) res.setHeader(name, defaults[i + 1] as string);
  }
}

/** Gives `res` this request's default headers, the cheap way when it is one of ours. */
export function setDefaultHeaders(res: ServerResponse, defaults: readonly string[]): void {
  if (res instanceof LaurenServerResponse) res.defaultHeaders = defaults;
  else applyDefaults(res, defaults);
}
