/**
 * The response side of cookies: what a handler sets or clears, serialised at once (so a bad
 * attribute fails in the handler that wrote it) and sent with the response's other headers.
 */
import { serialize } from "cookie";
import { ConfigurationError } from "../errors/index.js";
import { type CookieOptions, type CookieSettings, resolveCookie } from "./options.js";
import { CookieSigner } from "./signer.js";

/** The app's cookie settings, worked out once at start-up. */
export class CookieKit {
  readonly defaults: CookieOptions;
  readonly signer: CookieSigner | null;

  constructor(settings: CookieSettings, sessionSecrets: readonly Buffer[] | null) {
    this.defaults = settings.defaults ?? {};
    // Checked here so an unsafe default (SameSite=None without Secure) stops create().
    resolveCookie("lauren_defaults_check", {}, this.defaults, "cookies.defaults");
    const own = settings.secret === undefined ? null : toKeys(settings.secret);
    const keys = own ?? sessionSecrets;
    this.signer = keys === null || keys.length === 0 ? null : new CookieSigner(keys);
  }

  requireSigner(where: string): CookieSigner {
    if (this.signer === null) {
      throw new ConfigurationError(
        `${where} uses signed cookies, but the app has no keys: turn sessions on or pass cookies: { secret } to LaurenFactory.create().`,
      );
    }
    return this.signer;
  }

  /** One `Set-Cookie` value. */
  line(name: string, value: string, options: CookieOptions, where: string): string {
    const attrs = resolveCookie(name, options, this.defaults, where);
    const stored = options.signed === true ? this.requireSigner(where).sign(name, value) : value;
    return serialize(name, stored, {
      ...(attrs.maxAge === undefined ? {} : { maxAge: attrs.maxAge }),
      ...(attrs.expires === undefined ? {} : { expires: attrs.expires }),
      path: attrs.path,
      ...(attrs.domain === undefined ? {} : { domain: attrs.domain }),
      secure: attrs.secure,
      httpOnly: attrs.httpOnly,
      sameSite: attrs.sameSite.toLowerCase() as "lax",
      partitioned: attrs.partitioned,
      ...(attrs.priority === undefined ? {} : { priority: attrs.priority }),
    });
  }

  /** Expires the cookie: same name, path and domain, empty value, Max-Age=0 and a past date. */
  clearLine(name: string, options: Pick<CookieOptions, "path" | "domain" | "secure" | "sameSite" | "partitioned">, where: string): string {
    return this.line(name, "", { ...options, maxAge: 0, expires: new Date(0) }, where);
  }
}

function toKeys(secret: NonNullable<CookieSettings["secret"]>): Buffer[] {
  const list = typeof secret === "string" || Buffer.isBuffer(secret) ? [secret] : secret;
  const keys = list.map((s) => (typeof s === "string" ? Buffer.from(s, "utf8") : Buffer.from(s)));
  for (const key of keys) {
    if (key.length < 32) {
      throw new ConfigurationError(
        "cookies.secret: every secret must be at least 32 random bytes (node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\")",
      );
    }
  }
  return keys;
}

/** Adds the handler's cookies to the session's, in that order. */
export function withCookies(session: string | string[] | null, own: readonly string[]): string[] {
  if (session === null) return [...own];
  return typeof session === "string" ? [session, ...own] : [...session, ...own];
}
