/**
 * The codec for the stateless cookie envelope. The default writes compact, key-sorted JSON
 * byte-for-byte as Lauren does, so cookies are interchangeable with a Python service.
 */
import { pythonJson } from "./python-json.js";

export interface SessionSerializer {
  /** Encodes an envelope (`{d, x}`, `{d, j, t, x}` or `{i, t, x}`). */
  dumps(data: Record<string, unknown>): Buffer | string;
  /** Decodes what `dumps` wrote; throwing (or returning a non-object) rejects the cookie. */
  loads(raw: Buffer): unknown;
}

/** Expiry (`x`) and issued-at (`t`) are Python floats: `1768435200.0`, never `1768435200`. */
const ENVELOPE_FLOATS: ReadonlySet<string> = new Set(["x", "t"]);
const UTF8 = new TextDecoder("utf-8", { fatal: true });

export class JsonSessionSerializer implements SessionSerializer {
  dumps(data: Record<string, unknown>): string {
    return pythonJson(data, ENVELOPE_FLOATS);
  }

  loads(raw: Buffer): unknown {
    return JSON.parse(UTF8.decode(raw));
  }
}
