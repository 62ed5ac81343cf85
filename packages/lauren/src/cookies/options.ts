/**
 * Cookie attributes and the rules browsers enforce on them, checked where they are declared:
 * the app's defaults in `LaurenFactory.create()`, a handler's own attributes when it sets the
 * cookie. Defaults are the safe ones: Secure, HttpOnly, SameSite=Lax, Path=/.
 */
import { StartupError } from "../errors/index.js";

export type SameSite = "lax" | "strict" | "none" | "Lax" | "Strict" | "None";

export interface CookieOptions {
  /** Lifetime in seconds; 0 deletes. Absent = a browser-session cookie. */
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  /** Default true. Browsers accept Secure cookies from http://localhost. */
  secure?: boolean;
  /** Default true: scripts cannot read the cookie. */
  httpOnly?: boolean;
  /** Default "lax". "none" requires `secure`. */
  sameSite?: SameSite;
  /** CHIPS partitioned cookie; requires `secure`. */
  partitioned?: boolean;
  priority?: "low" | "medium" | "high";
  /** Sign the value with the app's keyring (the session secrets, or `cookies.secret`). */
  signed?: boolean;
}

/** App-wide cookie settings (`LaurenOptions.cookies`). */
export interface CookieSettings {
  /** Attributes every cookie set through `ctx.setCookie()` starts from. */
  defaults?: Omit<CookieOptions, "signed" | "maxAge" | "expires">;
  /**
   * Keys for signed cookies when sessions are off (or to keep them apart from the session's).
   * Default: the session secrets. The first signs, all verify.
   */
  secret?: string | Buffer | readonly (string | Buffer)[];
}

/** A cookie's attributes are unsafe or rejected by browsers. */
export class CookieConfigError extends StartupError {}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ATTRIBUTE = /^[\x21-\x3a\x3c-\x7e]+$/;
const SAME_SITE: Record<string, "Lax" | "Strict" | "None"> = { lax: "Lax", strict: "Strict", none: "None" };

export interface ResolvedCookie {
  maxAge: number | undefined;
  expires: Date | undefined;
  path: string;
  domain: string | undefined;
  secure: boolean;
  httpOnly: boolean;
  sameSite: "Lax" | "Strict" | "None";
  partitioned: boolean;
  priority: "low" | "medium" | "high" | undefined;
}

/** Merges `options` over `defaults` and applies the browser rules; throws CookieConfigError naming `where`. */
export function resolveCookie(name: string, options: CookieOptions, defaults: CookieOptions, where: string): ResolvedCookie {
  const fail = (message: string): never => {
    throw new CookieConfigError(`${where}: ${message}`);
  };
  if (!TOKEN.test(name)) fail(`cookie name ${JSON.stringify(name)} must be an RFC 6265 token (no spaces, "=", ";" or quotes)`);
  const o = { ...defaults, ...options };
  const secure = o.secure ?? true;
  const path = o.path ?? "/";
  const domain = o.domain;
  const rawSameSite = o.sameSite ?? "lax";
  const sameSite = SAME_SITE[String(rawSameSite).toLowerCase()];
  if (sameSite === undefined) return fail(`sameSite must be "lax", "strict" or "none"; got ${JSON.stringify(rawSameSite)}`);
  if (sameSite === "None" && !secure) {
    fail(`cookie ${name}: sameSite "none" requires secure: true (browsers reject SameSite=None without Secure); set secure or use "lax"`);
  }
  if (o.partitioned === true && !secure) fail(`cookie ${name}: partitioned requires secure: true`);
  if (!ATTRIBUTE.test(path)) fail(`cookie ${name}: path must be visible ASCII without ";"; got ${JSON.stringify(path)}`);
  if (domain !== undefined && !ATTRIBUTE.test(domain))
    fail(`cookie ${name}: domain must be visible ASCII without ";"; got ${JSON.stringify(domain)}`);
  if (name.startsWith("__Host-") && (!secure || path !== "/" || domain !== undefined)) {
    fail(`a "__Host-" cookie (${name}) requires secure: true, path "/" and no domain; change those or drop the prefix`);
  }
  if (name.startsWith("__Secure-") && !secure) fail(`a "__Secure-" cookie (${name}) requires secure: true; set it or drop the prefix`);
  if (o.maxAge !== undefined && !(Number.isInteger(o.maxAge) && o.maxAge >= 0)) {
    fail(`cookie ${name}: maxAge must be a whole number of seconds (0 deletes); got ${String(o.maxAge)}`);
  }
  return {
    maxAge: o.maxAge,
    expires: o.expires,
    path,
    domain,
    secure,
    httpOnly: o.httpOnly ?? true,
    sameSite,
    partitioned: o.partitioned === true,
    priority: o.priority,
  };
}
