/**
 * JSON exactly as Lauren's `json.dumps(obj, separators=(",", ":"), sort_keys=True)` writes
 * it, so a cookie minted here is byte-identical to one minted by the Python original:
 * keys sorted by code point at every level, non-ASCII escaped as `\uXXXX`, and floats in
 * Python's repr (an integral float keeps its `.0`). Other values follow `JSON.stringify`.
 */

const MAX_DEPTH = 512;
// Printable ASCII except `"` and `\`: such strings need no escaping (the common case).
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const SHORT_ESCAPES: Readonly<Record<number, string>> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 34: '\\"', 92: "\\\\" };

/** Serialises `value`; the numbers at `floatKeys` of the top-level object are written as floats. */
export function pythonJson(value: unknown, floatKeys?: ReadonlySet<string>): string {
  if (floatKeys !== undefined && isObject(value)) return encodeObject(value, 0, floatKeys);
  const out = encode(value, 0);
  if (out === undefined) throw new TypeError("session data must be a JSON value");
  return out;
}

function encode(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case "string":
      return encodeString(value);
    case "number":
      return Number.isInteger(value) ? encodeInteger(value) : pythonFloat(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new TypeError("a BigInt cannot be stored in a session");
    case "object":
      if (value === null) return "null";
      if (depth > MAX_DEPTH) throw new TypeError("session data is cyclic or nested too deeply");
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
        return encode((value as { toJSON(): unknown }).toJSON(), depth + 1);
      }
      if (Array.isArray(value)) return encodeArray(value, depth + 1);
      return encodeObject(value as Record<string, unknown>, depth + 1, undefined);
    default:
      return undefined; // undefined, functions and symbols are skipped, as JSON.stringify does
  }
}

function encodeArray(items: readonly unknown[], depth: number): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    out += encode(items[i], depth) ?? "null";
  }
  return `${out}]`;
}

function encodeObject(obj: Record<string, unknown>, depth: number, floatKeys: ReadonlySet<string> | undefined): string {
  const keys = Object.keys(obj).sort(compareCodePoints);
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = obj[key];
    const encoded = floatKeys?.has(key) === true && typeof item === "number" ? pythonFloat(item) : encode(item, depth);
    if (encoded === undefined) continue;
    out += `${first ? "" : ","}${encodeString(key)}:${encoded}`;
    first = false;
  }
  return `${out}}`;
}

/** Python sorts `str` keys by code point; JavaScript's default sort uses UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(j) as number;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}

function encodeString(s: string): string {
  if (PLAIN_STRING.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 34 && c !== 92) out += s[i];
    else out += SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, "0")}`;
  }
  return `${out}"`;
}

function encodeInteger(n: number): string {
  // Python ints print every digit; JavaScript switches to exponent notation at 1e21.
  return Math.abs(n) < 1e21 ? String(n === 0 ? 0 : n) : BigInt(n).toString();
}

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16. */
export function pythonFloat(n: number): string {
  if (!Number.isFinite(n)) return "null"; // JSON has no NaN or Infinity
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const sci = n.toExponential(); // shortest round-trip digits, e.g. "-1.5e+3"
  const ePos = sci.indexOf("e");
  const exp = Number(sci.slice(ePos + 1));
  const sign = n < 0 ? "-" : "";
  const digits = sci.slice(sign.length, ePos).replace(".", "");
  if (exp < -4 || exp >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  return `${sign}${whole}.${digits.slice(exp + 1) || "0"}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
