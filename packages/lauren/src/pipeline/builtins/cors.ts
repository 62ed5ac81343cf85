/**
 * `cors()`: answers preflights and marks allowed cross-origin responses. It runs as global
 * middleware, so a preflight is answered before routing, also on paths where only other
 * methods are routed. An origin that is not allowed gets no `Access-Control-Allow-*` header
 * at all; the browser then blocks the response. `@corsPolicy(options)` on a controller or
 * route replaces the app's policy there.
 */
import { StartupError } from "../../errors/index.js";
import type { RouteDescriptor } from "../../guards/execution-context.js";
import { Reply } from "../../http/reply.js";
import { metaFrom, methodMetaFrom } from "../../metadata/index.js";
import type { MiddlewareContext } from "../context.js";
import { type MiddlewareFn, type Next, runsWhileDraining } from "../middleware.js";
import type { PendingResponse } from "../response.js";

/** A CORS policy that cannot be safe (`*` together with credentials) or is malformed. */
export class CorsConfigError extends StartupError {}

export interface CorsOptions {
  /**
   * Who may call: a list of origins (`"https://hq.example"`), a function deciding per
   * origin, or `"*"` for anyone (then without credentials).
   */
  origin: string | readonly string[] | ((origin: string) => boolean);
  /** Send cookies and auth headers cross-origin (`Access-Control-Allow-Credentials`). Default false. */
  credentials?: boolean;
  /** Methods a preflight allows. Default GET, HEAD, PUT, PATCH, POST, DELETE. */
  methods?: readonly string[];
  /** Request headers a preflight allows. Default: the ones the browser asks for. */
  allowedHeaders?: readonly string[];
  /** Response headers the page may read (`Access-Control-Expose-Headers`). */
  exposedHeaders?: readonly string[];
  /** Seconds a browser may cache a preflight answer. */
  maxAge?: number;
}

const DEFAULT_METHODS = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"];

interface Policy {
  readonly any: boolean;
  readonly allows: (origin: string) => boolean;
  /** Headers on an allowed actual response, after Access-Control-Allow-Origin. */
  readonly actual: readonly string[];
  /** Headers on an allowed preflight, after Access-Control-Allow-Origin (allow-headers added per request when reflecting). */
  readonly preflight: readonly string[];
  readonly allowHeaders: string | null;
}

function normalise(origin: string): string {
  const lower = origin.trim().toLowerCase();
  return lower.endsWith("/") ? lower.slice(0, -1) : lower;
}

export function compilePolicy(options: CorsOptions, where: string): Policy {
  if (typeof options !== "object" || options === null || options.origin === undefined) {
    throw new CorsConfigError(`${where}: say who may call: cors({ origin: ["https://app.example"] }), a function, or "*".`);
  }
  const { origin } = options;
  const any = origin === "*";
  if (any && options.credentials === true) {
    throw new CorsConfigError(
      `${where}: origin "*" with credentials: true would let every site act with your users' cookies; ` +
        'list the origins that may call instead (origin: ["https://app.example"]).',
    );
  }
  let allows: (o: string) => boolean;
  if (any) allows = () => true;
  else if (typeof origin === "function") allows = origin;
  else {
    const list = typeof origin === "string" ? [origin] : origin;
    if (!Array.isArray(list) || list.some((o) => typeof o !== "string" || o === "*")) {
      throw new CorsConfigError(`${where}: origin must be "*", a function, or a list of origins such as ["https://app.example"].`);
    }
    const set = new Set(list.map(normalise));
    allows = (o) => set.has(normalise(o));
  }
  if (options.maxAge !== undefined && !(Number.isInteger(options.maxAge) && options.maxAge >= 0)) {
    throw new CorsConfigError(`${where}: maxAge must be whole seconds, got ${String(options.maxAge)}.`);
  }
  const credentials = options.credentials === true ? ["access-control-allow-credentials", "true"] : [];
  const vary = any ? [] : ["vary", "Origin"];
  const exposed = options.exposedHeaders?.length ? ["access-control-expose-headers", options.exposedHeaders.join(", ")] : [];
  const methods = ["access-control-allow-methods", (options.methods ?? DEFAULT_METHODS).map((m) => m.toUpperCase()).join(", ")];
  const maxAge = options.maxAge === undefined ? [] : ["access-control-max-age", String(options.maxAge)];
  return {
    any,
    allows,
    actual: [...credentials, ...exposed, ...vary],
    preflight: [...credentials, ...methods, ...maxAge, ...vary],
    allowHeaders: options.allowedHeaders === undefined ? null : options.allowedHeaders.join(", "),
  };
}

export const CORS_POLICY = Symbol("lauren.corsPolicy");
let overrides = 0;

/** Replaces the app's CORS policy on a controller or route; `false` turns CORS off there. */
export function corsPolicy(options: CorsOptions | false) {
  const policy = options === false ? false : compilePolicy(options, "@corsPolicy");
  overrides++;
  return (_target: unknown, context: ClassDecoratorContext | ClassMethodDecoratorContext): void => {
    const values = context.kind === "class" ? metaFrom(context.metadata).values : methodMetaFrom(context.metadata, context.name).values;
    values.set(CORS_POLICY, policy);
  };
}

function routePolicy(route: RouteDescriptor | null, fallback: Policy): Policy | false {
  if (route === null) return fallback;
  const own = route.metadata.get(CORS_POLICY) as Policy | false | undefined;
  return own === undefined ? fallback : own;
}

export function cors(options: CorsOptions): MiddlewareFn {
  const app = compilePolicy(options, "cors()");
  return runsWhileDraining(function cors(ctx: MiddlewareContext, next: Next) {
    const origin = ctx.request.raw.headers.origin;
    const requested = ctx.method === "OPTIONS" ? ctx.request.raw.headers["access-control-request-method"] : undefined;
    const policy = overrides === 0 ? app : routePolicy(ctx.routeFor(requested ?? ctx.method), app);
    if (policy === false) return next();
    const response = ctx.response as PendingResponse;
    if (origin === undefined || !policy.allows(origin)) {
      if (!policy.any) response.appendHeader("vary", "Origin");
      return next();
    }
    const allowOrigin = policy.any ? "*" : origin;
    if (requested === undefined) {
      response.addDefaults(["access-control-allow-origin", allowOrigin, ...policy.actual]);
      return next();
    }
    const asked = ctx.request.raw.headers["access-control-request-headers"];
    const headers = ["access-control-allow-origin", allowOrigin, ...policy.preflight];
    const allowHeaders = policy.allowHeaders ?? (typeof asked === "string" ? asked : null);
    if (allowHeaders !== null && allowHeaders !== "") headers.push("access-control-allow-headers", allowHeaders);
    if (policy.allowHeaders === null && !policy.any) headers[headers.indexOf("Origin")] = "Origin, Access-Control-Request-Headers";
    return new Reply(null, { status: 204, headers: pairs(headers) });
  });
}

function pairs(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}
