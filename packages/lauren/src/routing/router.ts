/**
 * Route table over find-my-way. Templates use `{name}` parameters; a trailing slash never
 * matters. Each method has its own tree (so `DELETE /heroes/new` still reaches
 * `DELETE /heroes/{id}` when only `GET /heroes/new` is static), static paths are answered
 * from a Map first, and a separate path index knows which methods a path allows, for 405
 * and OPTIONS. `{*name}` as the last segment takes the rest of the path (slashes included).
 */
import FindMyWay from "find-my-way";
import { InvalidRouteError, RouteConflictError } from "../errors/index.js";

export interface Found<R> {
  readonly route: R;
  readonly params: Readonly<Record<string, string>>;
}

/** The methods one path allows, precomputed for `Allow` headers. */
export interface PathEntry {
  readonly template: string;
  readonly methods: Set<string>;
  /** `Allow` header value, including HEAD (for GET) and OPTIONS. */
  allow: string;
  allowList: string[];
}

export const EMPTY_PARAMS: Readonly<Record<string, string>> = Object.freeze(Object.create(null));

const PARAM = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WILDCARD = /\/\{\*([A-Za-z_][A-Za-z0-9_]*)\}$/;

export interface NormalisedPath {
  path: string;
  shape: string;
  params: string[];
  /** The name of a trailing `{*name}`, or null. */
  wildcard: string | null;
}

/**
 * `/heroes/{id}/` → `/heroes/:id`, `/files/{*path}` → `/files/*`; the shape key ignores
 * parameter names. A template find-my-way would misread (`{*x}` not last, `:` or `*` in a
 * segment, an unclosed brace) is refused here, naming the template.
 */
export function normalise(template: string): NormalisedPath {
  let path = template.replace(/\/+/g, "/");
  if (!path.startsWith("/")) path = `/${path}`;
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  let wildcard: string | null = null;
  const star = WILDCARD.exec(path);
  if (star !== null) {
    wildcard = star[1] as string;
    path = `${path.slice(0, star.index)}/*`;
  }
  const params: string[] = [];
  const fmw = path.replace(PARAM, (_m, name: string) => {
    params.push(name);
    return `:${name}`;
  });
  const rest = wildcard === null ? fmw : fmw.slice(0, -1);
  if (/[{}*]/.test(rest) || /:(?![A-Za-z_][A-Za-z0-9_]*(?:\/|$))/.test(rest)) {
    throw new InvalidRouteError(
      `Route path ${template} is not valid: use {name} for a parameter (a whole segment) and {*name} only as the last segment.`,
    );
  }
  if (wildcard !== null) params.push(wildcard);
  return { path: fmw, shape: fmw.replace(/:[A-Za-z0-9_]+/g, ":"), params, wildcard };
}

export function joinPath(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/+/g, "/");
  return joined.length > 1 && joined.endsWith("/") ? joined.slice(0, -1) : joined;
}

/** Drops one trailing slash, but not from an empty segment: `//` is not `/`. */
function stripSlash(path: string): string {
  const n = path.length;
  return n > 1 && path.charCodeAt(n - 1) === 47 && path.charCodeAt(n - 2) !== 47 ? path.slice(0, -1) : path;
}

const OPTIONS = { ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 500 } as const;

export class Router<R> {
  readonly #routes = FindMyWay(OPTIONS);
  readonly #static = new Map<string, Map<string, R>>();
  readonly #paths = FindMyWay(OPTIONS);
  readonly #staticPaths = new Map<string, PathEntry>();
  readonly #entries = new Map<string, PathEntry>();
  readonly #claimed = new Map<string, R>();
  /** Wildcard routes and their parameter name (find-my-way calls it `*`). */
  readonly #wildcards = new Map<R, string>();

  add(method: string, template: string, route: R, describe: (existing: R) => string, describeNew: string): void {
    const { path, shape, params, wildcard } = normalise(template);
    const existing = this.#claimed.get(`${method} ${shape}`);
    if (existing !== undefined) {
      throw new RouteConflictError(
        `${method} ${template} is declared twice: by ${describe(existing)} and by ${describeNew}. ` +
          "Give one of them a different path or method.",
      );
    }
    this.#claimed.set(`${method} ${shape}`, route);
    if (wildcard !== null) this.#wildcards.set(route, wildcard);
    if (params.length === 0) {
      let byPath = this.#static.get(method);
      if (byPath === undefined) {
        byPath = new Map();
        this.#static.set(method, byPath);
      }
      byPath.set(path, route);
    }
    this.#routes.on(method as "GET", path, () => undefined, route);

    let entry = this.#entries.get(shape);
    if (entry === undefined) {
      entry = { template, methods: new Set(), allow: "", allowList: [] };
      this.#entries.set(shape, entry);
      if (params.length === 0) this.#staticPaths.set(path, entry);
      this.#paths.on("GET", path, () => undefined, entry);
    }
    entry.methods.add(method);
    const allowed = new Set(entry.methods);
    if (allowed.has("GET")) allowed.add("HEAD");
    allowed.add("OPTIONS");
    entry.allowList = [...allowed].sort();
    entry.allow = entry.allowList.join(", ");
  }

  /** The route for a method and a request path (undecoded, without query), or null. */
  lookup(method: string, path: string): Found<R> | null {
    const hit = this.#static.get(method)?.get(stripSlash(path));
    if (hit !== undefined) return { route: hit, params: EMPTY_PARAMS };
    // An empty segment (`/heroes//`) names no route: it must not reach `/heroes/{id}` with an
    // empty id, nor `/heroes` by trailing-slash folding.
    if (path.includes("//")) return null;
    const found = this.#routes.find(method as "GET", path);
    if (found === null) return null;
    const params = found.params as Record<string, string>;
    let rest = false;
    for (const key in params) {
      if (params[key] === "") return null;
      if (key === "*") rest = true;
    }
    if (rest) return { route: found.store as R, params: this.#renamed(found.store as R, params) };
    return { route: found.store as R, params };
  }

  /** find-my-way names the rest of the path `*`; the handler asked for `{*name}`. */
  #renamed(route: R, params: Record<string, string>): Record<string, string> {
    const name = this.#wildcards.get(route) ?? "*";
    const out: Record<string, string> = {};
    for (const key in params) out[key === "*" ? name : key] = params[key] as string;
    return out;
  }

  /** Which methods the path allows, or null when no route has this path at all. */
  allowed(path: string): PathEntry | null {
    const hit = this.#staticPaths.get(stripSlash(path));
    if (hit !== undefined) return hit;
    if (path.includes("//")) return null;
    const found = this.#paths.find("GET", path);
    return found === null ? null : (found.store as PathEntry);
  }
}
