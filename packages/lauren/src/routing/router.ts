/**
 * Route table over find-my-way. Templates use `{name}` parameters; a trailing slash never
 * matters. Static paths are answered from a Map before the radix tree is walked, and each
 * path keeps its allowed methods so a wrong method is a 405 with `Allow`, not a 404.
 */
import FindMyWay from "find-my-way";
import { RouteConflictError } from "../errors/index.js";

export interface PathEntry<R> {
  readonly template: string;
  readonly paramNames: readonly string[];
  readonly methods: Map<string, R>;
  /** `Allow` header value, including HEAD (for GET) and OPTIONS. */
  allow: string;
  allowList: string[];
}

export interface Match<R> {
  readonly entry: PathEntry<R>;
  readonly params: Readonly<Record<string, string>>;
}

export const EMPTY_PARAMS: Readonly<Record<string, string>> = Object.freeze(Object.create(null));

const PARAM = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** `/heroes/{id}/` → `/heroes/:id`; the shape key ignores parameter names. */
export function normalise(template: string): { path: string; shape: string; params: string[] } {
  let path = template.replace(/\/+/g, "/");
  if (!path.startsWith("/")) path = `/${path}`;
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  const params: string[] = [];
  const fmw = path.replace(PARAM, (_m, name: string) => {
    params.push(name);
    return `:${name}`;
  });
  return { path: fmw, shape: fmw.replace(/:[A-Za-z0-9_]+/g, ":"), params };
}

export function joinPath(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/+/g, "/");
  return joined.length > 1 && joined.endsWith("/") ? joined.slice(0, -1) : joined;
}

export class Router<R> {
  readonly #fmw = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 500 });
  readonly #static = new Map<string, PathEntry<R>>();
  readonly #byShape = new Map<string, PathEntry<R>>();
  readonly entries: PathEntry<R>[] = [];

  add(method: string, template: string, route: R, describe: (existing: R) => string, describeNew: string): PathEntry<R> {
    const { path, shape, params } = normalise(template);
    let entry = this.#byShape.get(shape);
    if (entry === undefined) {
      entry = { template, paramNames: params, methods: new Map(), allow: "", allowList: [] };
      this.#byShape.set(shape, entry);
      this.entries.push(entry);
      if (params.length === 0) this.#static.set(path, entry);
      this.#fmw.on("GET", path, () => undefined, entry);
    }
    const existing = entry.methods.get(method);
    if (existing !== undefined) {
      throw new RouteConflictError(
        `${method} ${template} is declared twice: by ${describe(existing)} and by ${describeNew}. ` +
          "Give one of them a different path or method.",
      );
    }
    entry.methods.set(method, route);
    const allowed = new Set(entry.methods.keys());
    if (allowed.has("GET")) allowed.add("HEAD");
    allowed.add("OPTIONS");
    entry.allowList = [...allowed].sort();
    entry.allow = entry.allowList.join(", ");
    return entry;
  }

  /** Finds the path entry for a request path (undecoded, without query). */
  find(path: string): Match<R> | null {
    const key = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
    const hit = this.#static.get(key);
    if (hit !== undefined) return { entry: hit, params: EMPTY_PARAMS };
    const found = this.#fmw.find("GET", path);
    if (found === null) return null;
    const entry = found.store as PathEntry<R>;
    return { entry, params: found.params as Record<string, string> };
  }
}
