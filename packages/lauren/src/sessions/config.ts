/**
 * Session options and their start-up validation. Everything unsafe or contradictory is
 * refused here, once, with a message that says what to change, so nothing about the
 * configuration can go wrong on a request.
 */
import { type CrossOriginOptions, type ResolvedCrossOrigin, resolveCrossOrigin } from "./cross-origin.js";
import { SessionConfigError } from "./errors.js";
import { checkAbsoluteTimeout } from "./lifetime.js";
import type { RevocationStore } from "./revocation.js";
import { JsonSessionSerializer, type SessionSerializer } from "./serializer.js";
import { normalizeSecrets, type SecretInput } from "./signer.js";
import type { SessionStore } from "./store.js";
import { InMemorySessionStore } from "./stores/in-memory.js";
import { systemClock } from "./stores/store-options.js";

export interface SessionOptions {
  /** Signing secret(s), each at least 32 bytes; with several, the first signs and all verify. */
  secret: SecretInput;
  store?: SessionStore;
  cookieName?: string;
  /** Cookie `Max-Age` and server-side TTL in seconds (default 14 days); `null` = browser-session cookie. */
  maxAge?: number | null;
  /** Seconds of inactivity after which the session dies (sliding); `null` = none. */
  idleTimeout?: number | null;
  /** Re-issue the cookie on every request that carries a live session. */
  rolling?: boolean;
  /**
   * Seconds after its creation at which a session ends whatever its activity (OWASP's
   * absolute timeout); `regenerateId()` does not extend it. `null` (default) = none.
   */
  absoluteTimeout?: number | null;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: "lax" | "strict" | "none" | "Lax" | "Strict" | "None" | (string & {});
  serializer?: SessionSerializer;
  revocationStore?: RevocationStore;
  /** Session key holding the user id, for `revokeUser` (default `"user_id"`). */
  userIdKey?: string;
  /**
   * Cross-origin request protection for unsafe requests to routes that use the session
   * (default on). `false` turns it off for the whole app; a route or controller turns it
   * off with `{ crossOrigin: false }`.
   */
  crossOrigin?: boolean | CrossOriginOptions;
  /** Epoch seconds as a float; for tests. */
  clock?: () => number;
}

export interface ResolvedSessionConfig {
  secrets: Buffer[];
  store: SessionStore;
  clientSide: boolean;
  maxCookieBytes: number;
  cookieName: string;
  maxAge: number | null;
  idleTimeout: number | null;
  rolling: boolean;
  absoluteTimeout: number | null;
  path: string;
  domain: string | null;
  secure: boolean;
  httpOnly: boolean;
  sameSite: "Lax" | "Strict" | "None";
  serializer: SessionSerializer;
  revocation: RevocationStore | null;
  userIdKey: string;
  crossOrigin: ResolvedCrossOrigin | null;
  clock: () => number;
}

export const MIN_SECRET_BYTES = 32;
const GENERATE_SECRET = `node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`;

/**
 * A random 32-byte secret, in any text encoding, has well over 8 distinct bytes; fewer means
 * a repeated character or a short word repeated ("x" * 32, spaces, "abcd" * 8).
 */
export const MIN_DISTINCT_SECRET_BYTES = 8;

/**
 * Secrets published as examples: anyone can sign cookies with them. The first is the tutorial
 * secret of Lauren for Python (and of Hero HQ until it stopped using a fixed one).
 */
export const KNOWN_PLACEHOLDER_SECRETS: Set<string> = new Set([
  "change-me-hero-hq-secret-please-32-bytes",
  "change-me-to-a-long-random-secret-value",
  "replace-me-with-a-long-random-secret-value",
  "your-secret-key-at-least-32-bytes-long",
  "this-is-a-very-long-secret-for-sessions",
]);
const SAME_SITE: Readonly<Record<string, "Lax" | "Strict" | "None">> = { lax: "Lax", strict: "Strict", none: "None" };
// RFC 6265 cookie-name = token: visible ASCII except separators.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII except ";" (no spaces, no control characters): nothing can break out of the attribute.
const ATTRIBUTE_VALUE = /^[\x21-\x3a\x3c-\x7e]+$/;
const KNOWN = new Set([
  "secret",
  "store",
  "cookieName",
  "maxAge",
  "idleTimeout",
  "rolling",
  "absoluteTimeout",
  "path",
  "domain",
  "secure",
  "httpOnly",
  "sameSite",
  "serializer",
  "revocationStore",
  "userIdKey",
  "crossOrigin",
  "clock",
]);

export function resolveSessionOptions(options: SessionOptions): ResolvedSessionConfig {
  if (typeof options !== "object" || options === null) fail("sessions must be an options object such as { secret }");
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail(`unknown sessions option "${key}"; the options are: ${[...KNOWN].join(", ")}`);
  }
  const secrets = checkSecrets(options.secret);
  const secure = flag(options.secure, true, "secure");
  const httpOnly = flag(options.httpOnly, true, "httpOnly");
  const rolling = flag(options.rolling, false, "rolling");
  const sameSite = checkSameSite(options.sameSite, secure);
  const path = options.path ?? "/";
  const domain = options.domain ?? null;
  checkAttribute("path", path);
  if (!path.startsWith("/")) fail(`sessions.path must start with "/"; got ${JSON.stringify(path)}`);
  if (domain !== null) checkAttribute("domain", domain);
  const cookieName = checkCookieName(options.cookieName ?? "lauren_session", secure, path, domain);
  const maxAge = lifetime(options.maxAge, 1_209_600, "maxAge");
  const idleTimeout = lifetime(options.idleTimeout, null, "idleTimeout");
  const absoluteTimeout = lifetime(options.absoluteTimeout, null, "absoluteTimeout");
  checkAbsoluteTimeout(absoluteTimeout, idleTimeout);
  const clock = options.clock ?? systemClock;
  if (typeof clock !== "function") fail("sessions.clock must be a function returning epoch seconds");
  const store = options.store ?? new InMemorySessionStore({ clock });
  const clientSide = checkStore(store);
  const serializer = options.serializer ?? new JsonSessionSerializer();
  if (typeof serializer.dumps !== "function" || typeof serializer.loads !== "function") {
    fail("sessions.serializer must have dumps(data) and loads(raw) methods");
  }
  const revocation = options.revocationStore ?? null;
  const userIdKey = options.userIdKey ?? "user_id";
  if (revocation !== null) checkRevocation(revocation, maxAge, idleTimeout, userIdKey);
  const crossOrigin = resolveCrossOrigin(options.crossOrigin);
  const maxBytes = (store as { maxBytes?: unknown }).maxBytes;
  const maxCookieBytes = typeof maxBytes === "number" ? maxBytes : 4096;
  return {
    secrets,
    store,
    clientSide,
    maxCookieBytes,
    cookieName,
    maxAge,
    idleTimeout,
    rolling,
    absoluteTimeout,
    path,
    domain,
    secure,
    httpOnly,
    sameSite,
    serializer,
    revocation,
    userIdKey,
    crossOrigin,
    clock,
  };
}

function fail(message: string): never {
  throw new SessionConfigError(message);
}

function checkSecrets(secret: unknown): Buffer[] {
  const generate = `Generate one with: ${GENERATE_SECRET} and pass it in from an environment variable (e.g. SESSION_SECRET).`;
  const items: unknown[] = Array.isArray(secret) ? secret : [secret];
  if (secret === undefined || secret === null || items.length === 0) {
    fail(`sessions.secret is required: the session cookie is always signed. ${generate}`);
  }
  items.forEach((item, index) => {
    const label = Array.isArray(secret) ? `sessions.secret[${index}]` : "sessions.secret";
    if (typeof item !== "string" && !Buffer.isBuffer(item)) fail(`${label} must be a string or a Buffer`);
    const bytes = typeof item === "string" ? Buffer.byteLength(item) : item.length;
    if (bytes < MIN_SECRET_BYTES) {
      fail(`${label} is ${bytes} bytes; every secret must be at least ${MIN_SECRET_BYTES} random bytes. ${generate}`);
    }
    const raw = typeof item === "string" ? Buffer.from(item) : item;
    const distinct = new Set(raw).size;
    if (distinct < MIN_DISTINCT_SECRET_BYTES) {
      fail(`${label} has only ${distinct} distinct byte value(s): that is a placeholder, not a random key. ${generate}`);
    }
    if (KNOWN_PLACEHOLDER_SECRETS.has(raw.toString("utf8").trim().toLowerCase())) {
      fail(`${label} is a published example secret: anyone could sign session cookies with it. ${generate}`);
    }
  });
  return normalizeSecrets(secret as SecretInput);
}

function flag(value: unknown, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") fail(`sessions.${name} must be true or false; got ${JSON.stringify(value)}`);
  return value;
}

function checkSameSite(value: unknown, secure: boolean): "Lax" | "Strict" | "None" {
  const canonical = typeof value === "string" ? SAME_SITE[value.toLowerCase()] : value === undefined ? "Lax" : undefined;
  if (canonical === undefined) {
    fail(`sessions.sameSite must be "lax", "strict" or "none" (any case); got ${JSON.stringify(value)}`);
  }
  if (canonical === "None" && !secure) {
    fail(
      'sessions.sameSite "none" requires secure: true (browsers reject SameSite=None cookies without Secure); set secure: true or use sameSite "lax"',
    );
  }
  return canonical;
}

function checkAttribute(name: string, value: unknown): void {
  if (typeof value !== "string" || !ATTRIBUTE_VALUE.test(value)) {
    fail(
      `sessions.${name} must be non-empty visible ASCII without ";", spaces or control characters (CR, LF…); got ${JSON.stringify(value)}`,
    );
  }
}

function checkCookieName(name: unknown, secure: boolean, path: string, domain: string | null): string {
  if (typeof name !== "string" || !TOKEN.test(name)) {
    fail(
      `sessions.cookieName must be an RFC 6265 token (letters, digits and !#$%&'*+-.^_\`|~; no spaces, "=", ";" or quotes); got ${JSON.stringify(name)}`,
    );
  }
  if (name.startsWith("__Host-") && (!secure || path !== "/" || domain !== null)) {
    fail(`a "__Host-" cookie (${name}) requires secure: true, path: "/" and no domain; change those options or drop the prefix`);
  }
  if (name.startsWith("__Secure-") && !secure) {
    fail(`a "__Secure-" cookie (${name}) requires secure: true; set it or drop the prefix`);
  }
  return name;
}

function lifetime(value: unknown, fallback: number | null, name: string): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  return fail(`sessions.${name} must be a positive whole number of seconds, or null; got ${JSON.stringify(value)}`);
}

function checkStore(store: SessionStore): boolean {
  for (const method of ["newId", "load", "save", "delete"] as const) {
    if (typeof store[method] !== "function") fail(`sessions.store must implement SessionStore: ${method}() is missing`);
  }
  return store.clientSide === true;
}

function checkRevocation(revocation: RevocationStore, maxAge: number | null, idleTimeout: number | null, userIdKey: unknown): void {
  for (const method of ["revokeToken", "isTokenRevoked", "revokeUser", "userCutoff", "newTokenId"] as const) {
    if (typeof revocation[method] !== "function") fail(`sessions.revocationStore must extend RevocationStore: ${method}() is missing`);
  }
  if (maxAge === null && idleTimeout === null) {
    fail("sessions.revocationStore needs a finite session lifetime so revocations can expire; set maxAge or idleTimeout");
  }
  if (typeof userIdKey !== "string" || userIdKey === "") {
    fail('sessions.userIdKey must be a non-empty string (the session key holding the user id, e.g. "user_id")');
  }
}
