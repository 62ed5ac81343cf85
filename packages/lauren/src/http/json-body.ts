/**
 * Reading a JSON body: media type first (415), then size (413, in LaurenRequest), then
 * emptiness and syntax (422). Keys that could reach Object.prototype are dropped.
 */
import { ExtractorError, ExtractorFieldError, UnsupportedMediaTypeError } from "../errors/index.js";
import type { LaurenRequest } from "./request.js";

export function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(";");
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const SUSPICIOUS = /"(?:__proto__|constructor|prototype)"/;

function dropPollutingKeys(this: unknown, key: string, value: unknown): unknown {
  if (key === "__proto__") return undefined;
  if (key === "constructor" && typeof value === "object" && value !== null && "prototype" in value) return undefined;
  return value;
}

export function parseJson(text: string): unknown {
  // The reviver costs a lot on every body, so it only runs when a dangerous key may occur.
  return SUSPICIOUS.test(text) ? JSON.parse(text, dropPollutingKeys) : JSON.parse(text);
}

export async function readJsonBody(request: LaurenRequest): Promise<unknown> {
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
    return parseJson(text);
  } catch (err) {
    throw new ExtractorError(`invalid JSON: ${(err as Error).message}`, { field: "body" });
  }
}
