/**
 * Writing responses. Headers go out in one `writeHead` call with a flat array, in a fixed
 * order (content-type, extras, set-cookie, content-length last), which is both what the
 * original framework sends and the cheapest form for node:http.
 */
import { type ServerResponse, validateHeaderName, validateHeaderValue } from "node:http";
import { errorBody, type HttpError } from "../errors/index.js";
import { writeOwnHead } from "./server-response.js";

const JSON_TYPE = "application/json";

/** The `Set-Cookie` values to send: the session's, the handler's, or none. */
export type SetCookie = string | string[] | null;

export function writeJson(res: ServerResponse, status: number, json: string, setCookie: SetCookie): void {
  const headers =
    setCookie === null
      ? ["content-type", JSON_TYPE, "content-length", String(Buffer.byteLength(json))]
      : ["content-type", JSON_TYPE, "set-cookie", setCookie, "content-length", String(Buffer.byteLength(json))];
  writeOwnHead(res, status, headers);
  res.end(json);
}

export function writeBody(
  res: ServerResponse,
  status: number,
  type: string | null,
  extra: readonly (string | number | readonly string[])[],
  setCookie: SetCookie,
  payload: string | Buffer | null,
): void {
  const headers: (string | number | readonly string[])[] = [];
  if (type !== null) headers.push("content-type", type);
  headers.push(...extra);
  if (setCookie !== null) headers.push("set-cookie", setCookie);
  if (payload !== null) headers.push("content-length", String(Buffer.byteLength(payload)));
  else if (status !== 204 && status !== 304 && !(status >= 100 && status < 200)) headers.push("content-length", "0");
  writeOwnHead(res, status, flatten(headers));
  res.end(payload ?? undefined);
}

/**
 * writeHead's array form takes name/value pairs. A name given more than once (an array value,
 * or a reply's Set-Cookie next to the session's) goes out as one pair with an array value:
 * node still writes one line per value, and light-my-request (behind the TestClient), which
 * reads headers back through setHeader, keeps every value instead of only the last.
 */
export function flatten(headers: readonly (string | number | readonly string[])[]): (string | string[])[] {
  const out: (string | string[])[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = String(headers[i]);
    const raw = headers[i + 1];
    const value = Array.isArray(raw) ? raw.map(String) : String(raw);
    let at = -1;
    for (let j = 0; j < out.length; j += 2) {
      if ((out[j] as string).toLowerCase() === name.toLowerCase()) at = j + 1;
    }
    if (at === -1) out.push(name, value);
    else out[at] = ([] as string[]).concat(out[at] as string | string[], value);
  }
  return out;
}

/**
 * An error's extra headers as name/value pairs, leaving out any name or value node would
 * refuse (CR, LF and other control characters): an error may carry text that came from the
 * request, and a header injected there must never reach the wire, nor cost the client its answer.
 */
export function safeHeaders(headers: Readonly<Record<string, string>> | undefined): string[] {
  const out: string[] = [];
  if (headers === undefined) return out;
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      continue;
    }
    out.push(name, String(value));
  }
  return out;
}

export function writeError(res: ServerResponse, err: HttpError, setCookie: SetCookie): void {
  writeBody(res, err.status, JSON_TYPE, safeHeaders(err.headers), setCookie, errorBody(err));
}
