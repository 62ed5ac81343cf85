/**
 * Writing a body that is not JSON: text, bytes and streams, with compression when the route's
 * environment carries a policy. Without one these are straight calls to the plain writers.
 */
import type { ServerResponse } from "node:http";
import type { Transform } from "node:stream";
import { compressBody, encoder, isCompressible, negotiate } from "./compress.js";
import type { HeaderMap, ResponseEnv } from "./reply.js";
import { flatten, type SetCookie, writeBody } from "./send.js";

type Extra = (string | number | readonly string[])[];

/** Headers from a map, for writeBody's `extra`; the caller's content type wins over the default. */
export function extraHeaders(headers: HeaderMap): { extra: Extra; hasType: boolean } {
  const extra: Extra = [];
  let hasType = false;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === "content-type") hasType = true;
    extra.push(name, value);
  }
  return { extra, hasType };
}

/** A whole body in one write; compressed first when the policy and the client agree. */
export function sendPayload(
  res: ServerResponse,
  status: number,
  type: string | null,
  extra: Extra,
  setCookie: SetCookie,
  payload: string | Buffer | null,
  env: ResponseEnv,
): Promise<void> | undefined {
  const policy = env.compression;
  if (policy === undefined || policy === null || payload === null || !isCompressible(type ?? headerIn(extra, "content-type"))) {
    writeBody(res, status, type, extra, setCookie, payload);
    return undefined;
  }
  const vary = ["vary", "Accept-Encoding"];
  const bytes = typeof payload === "string" ? Buffer.from(payload) : payload;
  const encoding = bytes.length >= policy.threshold && !hasHeader(extra, "content-encoding") ? negotiate(res.req, policy) : null;
  if (encoding === null) {
    writeBody(res, status, type, [...extra, ...vary], setCookie, payload);
    return undefined;
  }
  return compressBody(bytes, encoding, policy).then((compressed) => {
    writeBody(res, status, type, [...extra, ...vary, "content-encoding", encoding], setCookie, compressed);
  });
}

/**
 * Writes the head of a streamed response (no length: chunked) and returns the compressor the
 * body must go through, or null.
 */
export function openStream(
  res: ServerResponse,
  status: number,
  type: string,
  headers: HeaderMap,
  setCookie: SetCookie,
  env: ResponseEnv,
): Transform | null {
  const { extra, hasType } = extraHeaders(headers);
  const list: Extra = hasType ? [] : ["content-type", type];
  list.push(...extra);
  const policy = env.compression;
  let zip: Transform | null = null;
  if (policy !== undefined && policy !== null && isCompressible(hasType ? headerIn(extra, "content-type") : type)) {
    list.push("vary", "Accept-Encoding");
    const encoding = hasHeader(extra, "content-encoding") ? null : negotiate(res.req, policy);
    if (encoding !== null && res.req?.method !== "HEAD") {
      list.push("content-encoding", encoding);
      zip = encoder(encoding, policy);
    }
  }
  if (setCookie !== null) list.push("set-cookie", setCookie);
  res.writeHead(status, flatten(list));
  return zip;
}

function hasHeader(extra: Extra, name: string): boolean {
  return headerIn(extra, name) !== null;
}

function headerIn(extra: Extra, name: string): string | null {
  for (let i = 0; i < extra.length; i += 2) if (String(extra[i]).toLowerCase() === name) return String(extra[i + 1]);
  return null;
}
