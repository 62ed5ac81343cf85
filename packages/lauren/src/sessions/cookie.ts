/**
 * Cookie I/O on the hot path. Reading scans the raw `Cookie` header for our one name
 * without building a map and without URL-decoding; writing glues a value between a prefix
 * and an attribute suffix worked out once at start-up.
 */

/** Longest inbound value we look at; anything longer is treated as no cookie at all. */
export const MAX_INBOUND_COOKIE = 4096;

/**
 * The trimmed value of cookie `name` in `header`, or `null` when it is absent, empty,
 * longer than `maxLength`, or present more than once. A duplicate is ambiguous (a sibling
 * domain can plant a second cookie of the same name), so neither copy is trusted.
 */
export function readCookie(header: string | undefined, name: string, maxLength: number): string | null {
  if (header === undefined || header.indexOf(name) === -1) return null;
  const len = header.length;
  let found: string | null = null;
  let seen = false;
  let start = 0;
  while (start < len) {
    let end = header.indexOf(";", start);
    if (end === -1) end = len;
    // Scan for "=" only inside this pair: indexOf could run to the end of the header on
    // every pair, quadratic for a hostile header of many "="-less pairs.
    let eq = start;
    while (eq < end && header.charCodeAt(eq) !== 61) eq++;
    let ks = start;
    let ke = eq;
    while (ks < ke && isBlank(header.charCodeAt(ks))) ks++;
    while (ke > ks && isBlank(header.charCodeAt(ke - 1))) ke--;
    if (ke - ks === name.length && header.startsWith(name, ks)) {
      if (seen) return null;
      seen = true;
      let vs = eq + 1;
      let ve = end;
      while (vs < ve && isBlank(header.charCodeAt(vs))) vs++;
      while (ve > vs && isBlank(header.charCodeAt(ve - 1))) ve--;
      found = vs < ve && ve - vs <= maxLength ? header.slice(vs, ve) : null;
    }
    start = end + 1;
  }
  return found;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

export interface CookieAttributes {
  name: string;
  maxAge: number | null;
  path: string;
  domain: string | null;
  secure: boolean;
  httpOnly: boolean;
  sameSite: "Lax" | "Strict" | "None";
}

/** Builds `Set-Cookie` values; attribute order is Lauren's: Max-Age, Path, Domain, Secure, HttpOnly, SameSite. */
export class CookieWriter {
  readonly #prefix: string;
  readonly #suffix: string;
  readonly #tail: string;
  readonly #expired: string;

  constructor(attrs: CookieAttributes) {
    let tail = `; Path=${attrs.path}`;
    if (attrs.domain !== null) tail += `; Domain=${attrs.domain}`;
    if (attrs.secure) tail += "; Secure";
    if (attrs.httpOnly) tail += "; HttpOnly";
    tail += `; SameSite=${attrs.sameSite}`;
    this.#prefix = `${attrs.name}=`;
    this.#tail = tail;
    this.#suffix = attrs.maxAge === null ? tail : `; Max-Age=${attrs.maxAge}${tail}`;
    this.#expired = `${attrs.name}=; Max-Age=0${tail}`;
  }

  set(value: string): string {
    return this.#prefix + value + this.#suffix;
  }

  /** With a `Max-Age` of its own (a session that must end sooner than `maxAge`). */
  setWithMaxAge(value: string, maxAge: number): string {
    return `${this.#prefix}${value}; Max-Age=${maxAge}${this.#tail}`;
  }

  /** Same name, path and domain, empty value, `Max-Age=0`: the browser drops the cookie. */
  expire(): string {
    return this.#expired;
  }
}
