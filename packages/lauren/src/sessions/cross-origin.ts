/**
 * Cross-origin request protection for routes that use the session. A browser attaches the
 * session cookie to a form another site posts at us, so an unsafe request that a browser
 * marks as coming from elsewhere is refused before the session is even loaded. Browsers
 * say where a request comes from in `Sec-Fetch-Site` (every current one) and `Origin`;
 * a request with neither is not from a browser form (curl, server-to-server) and passes.
 * The policy is compiled into each unsafe session route at start-up; other routes pay nothing.
 */
import type { IncomingHttpHeaders } from "node:http";
import { HttpError } from "../errors/index.js";
import { SessionConfigError } from "./errors.js";

export interface CrossOriginOptions {
  /**
   * Other origins allowed to send unsafe requests with the session cookie, each exactly
   * `scheme://host[:port]` (e.g. `"https://admin.example.com"`). The app's own origin
   * (the request's `Host`) is always allowed.
   */
  trustedOrigins?: readonly string[];
  /**
   * Also require the session's synchronizer token (`session.csrfToken()`) on every unsafe
   * request, in a header or a form field: for apps that must support browsers too old to
   * send `Origin` or `Sec-Fetch-Site`. Off by default.
   */
  token?: boolean | CsrfTokenOptions;
}

export interface CsrfTokenOptions {
  /** Request header carrying the token (default `"x-csrf-token"`). */
  header?: string;
  /** Field of an `application/x-www-form-urlencoded` body carrying it (default `"_csrf"`). */
  field?: string;
}

/** An unsafe request a browser sent from another origin: 403, code `cross_origin_request`. */
export class CrossOriginRequestError extends HttpError {
  static override status = 403;
  static override code = "cross_origin_request";
}

/** The synchronizer token is missing or wrong: 403, code `csrf_token_invalid`. */
export class CsrfTokenError extends HttpError {
  static override status = 403;
  static override code = "csrf_token_invalid";
}

/** Methods that cannot change state by the HTTP contract; everything else is checked. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export class CrossOriginPolicy {
  readonly #trusted: ReadonlySet<string>;

  constructor(trustedOrigins: readonly string[]) {
    this.#trusted = new Set(trustedOrigins);
  }

  /** Throws `CrossOriginRequestError` for a request a browser sent from another origin. */
  check(headers: IncomingHttpHeaders): void {
    const site = headers["sec-fetch-site"];
    const origin = headers.origin;
    if (site !== undefined) {
      if (site === "same-origin" || site === "none") return;
      // "same-site" too: a sibling subdomain is another origin and may be less trusted.
      if (origin !== undefined && this.#isTrusted(origin)) return;
      throw refusal(origin, site);
    }
    if (origin === undefined) return;
    if (sameHost(origin, headers.host) || this.#isTrusted(origin)) return;
    throw refusal(origin, null);
  }

  #isTrusted(origin: string): boolean {
    return this.#trusted.size > 0 && this.#trusted.has(canonicalOrigin(origin) ?? "");
  }
}

function refusal(origin: string | undefined, site: string | null): CrossOriginRequestError {
  return new CrossOriginRequestError(
    "cross-origin request refused: a browser sent this request from another site, and it would carry the session cookie",
    { origin: origin ?? null, sec_fetch_site: site },
  );
}

const DEFAULT_PORT: Readonly<Record<string, string>> = { "http:": "80", "https:": "443" };

/** `Origin`'s host equals `Host` (the app's own origin), default ports ignored on both sides. */
function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  const sep = origin.indexOf("://");
  if (sep < 0) return false;
  const scheme = origin.slice(0, sep + 1).toLowerCase();
  const port = DEFAULT_PORT[scheme];
  return stripPort(origin.slice(sep + 3).toLowerCase(), port) === stripPort(host.toLowerCase(), port);
}

function stripPort(host: string, defaultPort: string | undefined): string {
  return defaultPort !== undefined && host.endsWith(`:${defaultPort}`) ? host.slice(0, -defaultPort.length - 1) : host;
}

/** `scheme://host[:port]` lower-cased with default ports dropped, or null when it is not a bare origin. */
export function canonicalOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.origin === "null") return null;
  const bare = value.endsWith("/") ? value.slice(0, -1) : value;
  // Anything beyond the origin (a path, query, credentials) means it was not one.
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "" || url.pathname !== "/") return null;
  if (!bare.includes("://")) return null;
  return url.origin;
}

export interface ResolvedCrossOrigin {
  policy: CrossOriginPolicy;
  token: { header: string; field: string } | null;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** Validates `sessions.crossOrigin` at start-up; `false` turns the protection off for the app. */
export function resolveCrossOrigin(value: unknown): ResolvedCrossOrigin | null {
  if (value === false) return null;
  if (value === undefined || value === true) return { policy: new CrossOriginPolicy([]), token: null };
  if (typeof value !== "object" || value === null) {
    throw new SessionConfigError("sessions.crossOrigin must be false (off), true or { trustedOrigins?, token? }");
  }
  const { trustedOrigins, token, ...rest } = value as CrossOriginOptions;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new SessionConfigError(`unknown sessions.crossOrigin option "${unknown[0]}"; the options are: trustedOrigins, token`);
  }
  const trusted: string[] = [];
  if (trustedOrigins !== undefined) {
    if (!Array.isArray(trustedOrigins)) throw new SessionConfigError("sessions.crossOrigin.trustedOrigins must be an array of origins");
    for (const origin of trustedOrigins) {
      const canonical = typeof origin === "string" ? canonicalOrigin(origin) : null;
      if (canonical === null) {
        throw new SessionConfigError(
          `sessions.crossOrigin.trustedOrigins: ${JSON.stringify(origin)} is not an origin; write it as scheme://host[:port], e.g. "https://admin.example.com"`,
        );
      }
      trusted.push(canonical);
    }
  }
  return { policy: new CrossOriginPolicy(trusted), token: resolveToken(token) };
}

function resolveToken(token: unknown): { header: string; field: string } | null {
  if (token === undefined || token === false) return null;
  if (token === true) return { header: "x-csrf-token", field: "_csrf" };
  if (typeof token !== "object" || token === null) {
    throw new SessionConfigError("sessions.crossOrigin.token must be true, false or { header?, field? }");
  }
  const { header = "x-csrf-token", field = "_csrf" } = token as CsrfTokenOptions;
  if (typeof header !== "string" || !HEADER_NAME.test(header.toLowerCase())) {
    throw new SessionConfigError(`sessions.crossOrigin.token.header must be a header name; got ${JSON.stringify(header)}`);
  }
  if (typeof field !== "string" || field === "") {
    throw new SessionConfigError(`sessions.crossOrigin.token.field must be a non-empty form field name; got ${JSON.stringify(field)}`);
  }
  return { header: header.toLowerCase(), field };
}
