/**
 * Reading a JSON body: media type first (415), then size (413, in LaurenRequest), then
 * emptiness and syntax (422). Keys that could reach Object.prototype are dropped.
 */

import secureJson from "secure-json-parse";
import { ExtractorError, ExtractorFieldError, UnsupportedMediaTypeError } from "../errors/index.js";
import type { LaurenRequest } from "./request.js";

export function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(";");
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Deepest nesting of arrays and objects a JSON body may have, unless `maxJsonDepth` says otherwise. */
export const DEFAULT_MAX_JSON_DEPTH = 128;

const DROP_POLLUTING_KEYS = { protoAction: "remove", constructorAction: "remove" } as const;

/**
 * Thrown for a body nested deeper than the limit; its message is ours, never the engine's.
 * A SyntaxError, so callers treat it like any other malformed JSON.
 */
export class JsonTooDeepError extends SyntaxError {
  constructor(limit: number) {
    super(`nested deeper than ${limit} levels`);
  }
}

/**
 * True when arrays and objects nest deeper than `limit`. One pass over the text that jumps
 * over strings with indexOf, so a long string value costs almost nothing; it runs before
 * parsing, so a deep document never reaches the parser or the validators.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  let depth = 0;
  const end = text.length;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = closingQuote(text, i);
      if (i === -1) return false;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote that closes the string opened at `open`, or -1 when it never closes. */
function closingQuote(text: string, open: number): number {
  let at = text.indexOf('"', open + 1);
  while (at !== -1) {
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === 0x5c /* \ */) slashes++;
    if (slashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}

/**
 * `JSON.parse` without the keys that could reach a prototype (`__proto__`, and a
 * `constructor` object carrying `prototype`, also when spelled with \u escapes).
 * secure-json-parse scans the result only when such a key may occur, in one iterative pass:
 * a reviver would cost about ten times the parse and recurse on deep input.
 */
export function parseJson(text: string, maxDepth: number = DEFAULT_MAX_JSON_DEPTH): unknown {
  if (nestsDeeperThan(text, maxDepth)) throw new JsonTooDeepError(maxDepth);
  return secureJson.parse(text, null, DROP_POLLUTING_KEYS);
}

export async function readJsonBody(request: LaurenRequest, maxDepth: number = DEFAULT_MAX_JSON_DEPTH): Promise<unknown> {
  const contentType = request.raw.headers["content-type"];
  const declared = request.raw.headers["content-length"];
  const noBody = declared === "0" || (declared === undefined && request.raw.headers["transfer-encoding"] === undefined);
  if (contentType !== undefined && !isJsonType(contentType)) {
    throw new UnsupportedMediaTypeError(`expected a JSON body (application/json), got ${contentType}`, {
      field: "body",
      content_type: contentType,
    });
  }
  if (noBody) throw new ExtractorFieldError("missing JSON body", { field: "body" });
  if (contentType === undefined) {
    throw new UnsupportedMediaTypeError("expected a JSON body: send Content-Type: application/json", { field: "body" });
  }
  const raw = await request.bytes();
  if (raw.length === 0) throw new ExtractorFieldError("missing JSON body", { field: "body" });
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw new ExtractorError("failed to extract 'body': invalid UTF-8", { field: "body", source: "json" });
  }
  if (text.trim() === "") throw new ExtractorFieldError("missing JSON body", { field: "body" });
  try {
    return parseJson(text, maxDepth);
  } catch (err) {
    // The parser's syntax messages help the client; anything else (a RangeError from the
    // engine, say) is not the client's business and gets a fixed message.
    const reason = err instanceof SyntaxError ? err.message : "the body could not be parsed";
    throw new ExtractorError(`invalid JSON: ${reason}`, { field: "body" });
  }
}
