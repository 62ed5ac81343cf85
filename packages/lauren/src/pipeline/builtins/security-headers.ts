/**
 * `securityHeaders()`: the response headers helmet would send, as defaults every response
 * keeps unless it sets its own. The list is built once; per request it is one array copy,
 * plus HSTS when the request came over TLS (directly, or per X-Forwarded-Proto with
 * `trustProxy`), because HSTS on plain HTTP is ignored by browsers and misleading.
 */
import { ConfigurationError } from "../../errors/index.js";
import { isSecure, type MiddlewareContext } from "../context.js";
import { type MiddlewareFn, runsWhileDraining } from "../middleware.js";
import { withHeaderStep } from "../prelude.js";
import type { PendingResponse } from "../response.js";

export interface HstsOptions {
  /** Seconds. Default 15 552 000 (180 days). */
  maxAge?: number;
  /** Default true. */
  includeSubDomains?: boolean;
  /** Default false: only after you have submitted the domain to the preload list. */
  preload?: boolean;
}

export interface SecurityHeadersOptions {
  /** `X-Content-Type-Options: nosniff`. Default true. */
  noSniff?: boolean;
  /**
   * Who may frame the pages: "DENY" (default) or "SAMEORIGIN", sent both as X-Frame-Options
   * and as CSP `frame-ancestors`; false sends neither.
   */
  frameOptions?: "DENY" | "SAMEORIGIN" | false;
  /** A whole Content-Security-Policy instead of the default `frame-ancestors`; false for none. */
  contentSecurityPolicy?: string | false;
  /** Default "no-referrer". */
  referrerPolicy?: string | false;
  /** Strict-Transport-Security, on secure requests only. Default on; false turns it off. */
  hsts?: HstsOptions | false;
  /** Default "same-origin". */
  crossOriginOpenerPolicy?: string | false;
  /** More headers to send, or to replace the defaults (`{ "x-frame-options": "SAMEORIGIN" }`). */
  headers?: Readonly<Record<string, string>>;
}

export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareFn {
  const headers = new Map<string, string>();
  if (options.noSniff !== false) headers.set("x-content-type-options", "nosniff");
  const frame = options.frameOptions ?? "DENY";
  if (frame !== false && frame !== "DENY" && frame !== "SAMEORIGIN") {
    throw new ConfigurationError(`securityHeaders: frameOptions must be "DENY", "SAMEORIGIN" or false, got ${String(frame)}.`);
  }
  if (frame !== false) headers.set("x-frame-options", frame);
  const csp = options.contentSecurityPolicy ?? (frame === false ? false : `frame-ancestors ${frame === "DENY" ? "'none'" : "'self'"}`);
  if (csp !== false) headers.set("content-security-policy", csp);
  const referrer = options.referrerPolicy ?? "no-referrer";
  if (referrer !== false) headers.set("referrer-policy", referrer);
  const coop = options.crossOriginOpenerPolicy ?? "same-origin";
  if (coop !== false) headers.set("cross-origin-opener-policy", coop);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name.toLowerCase(), value);
  const plain = [...headers].flat();
  const hsts = hstsValue(options.hsts);
  const secure = hsts === null ? plain : [...plain, "strict-transport-security", hsts];
  const fn = runsWhileDraining(function securityHeaders(ctx: MiddlewareContext, next) {
    (ctx.response as PendingResponse).addDefaults(hsts !== null && ctx.secure ? secure : plain);
    return next();
  });
  return withHeaderStep(fn, {
    names: secure.filter((_, i) => i % 2 === 0),
    apply(req, trustProxy, out) {
      const list = hsts !== null && isSecure(req, trustProxy) ? secure : plain;
      for (let i = 0; i < list.length; i++) out.push(list[i] as string);
      return null;
    },
  });
}

function hstsValue(options: HstsOptions | false | undefined): string | null {
  if (options === false) return null;
  const maxAge = options?.maxAge ?? 15_552_000;
  if (!Number.isInteger(maxAge) || maxAge < 0) {
    throw new ConfigurationError(`securityHeaders: hsts.maxAge must be whole seconds, got ${String(maxAge)}.`);
  }
  let value = `max-age=${maxAge}`;
  if (options?.includeSubDomains !== false) value += "; includeSubDomains";
  if (options?.preload === true) value += "; preload";
  return value;
}
