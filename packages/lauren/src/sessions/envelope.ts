/**
 * The signed value of a stateless cookie: base64url (no padding) of the serialised
 * envelope. Decoding is lenient about padding and the standard alphabet, as Python's
 * `urlsafe_b64decode` is; the signature has already vouched for the bytes.
 */
import { isPlainObject } from "./plain-object.js";
import type { SessionSerializer } from "./serializer.js";

export function encodeEnvelope(serializer: SessionSerializer, envelope: Record<string, unknown>): string {
  return envelopeBytes(serializer, envelope).toString("base64url");
}

/** The serialised envelope as bytes (what the encrypted store seals). */
export function envelopeBytes(serializer: SessionSerializer, envelope: Record<string, unknown>): Buffer {
  const raw = serializer.dumps(envelope);
  return typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
}

/** The envelope as a plain object, or `null` for anything that does not decode to one. */
export function decodeEnvelope(serializer: SessionSerializer, value: string | Buffer): Record<string, unknown> | null {
  let decoded: unknown;
  try {
    decoded = serializer.loads(typeof value === "string" ? Buffer.from(value, "base64url") : value);
  } catch {
    return null;
  }
  return isPlainObject(decoded) ? decoded : null;
}
