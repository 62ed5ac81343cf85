/**
 * What a returned value becomes: a string is text/plain, bytes are application/octet-stream,
 * a Readable or async iterable is streamed, anything else is JSON. Checked in that order,
 * cheapest first, so a plain object pays two `typeof`s and one property look-up.
 */
import type { ServerResponse } from "node:http";
import { sendPayload } from "./body.js";
import { asBuffer, OCTETS, type ResponseEnv, TEXT } from "./reply.js";
import { type SetCookie, writeJson } from "./send.js";
import type { Serialize } from "./serialize.js";
import { isStreamSource, StreamResponse } from "./stream.js";

const NO_HEADERS: readonly never[] = [];

export function writeValue(
  res: ServerResponse,
  status: number,
  value: unknown,
  setCookie: SetCookie,
  env: ResponseEnv,
  serialize: Serialize | null = null,
): Promise<void> | undefined {
  if (typeof value === "string") return sendPayload(res, status, TEXT, [...NO_HEADERS], setCookie, value, env);
  if (typeof value === "object" && value !== null) {
    if (value instanceof Uint8Array) return sendPayload(res, status, OCTETS, [...NO_HEADERS], setCookie, asBuffer(value), env);
    if (isStreamSource(value)) return new StreamResponse(value, { status }).writeTo(res, setCookie, env);
  }
  const json = serialize === null ? JSON.stringify(value) : serialize(value);
  if (env.compression === undefined || env.compression === null) {
    writeJson(res, status, json, setCookie);
    return undefined;
  }
  return sendPayload(res, status, "application/json", [], setCookie, json, env);
}
