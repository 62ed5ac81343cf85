/**
 * Serving a folder. A request path is decoded segment by segment and refused (404, as for
 * any unknown path) when a segment is empty, `.`/`..`, a dotfile, or holds a slash,
 * backslash or NUL; the file's real path must then lie inside the folder's real path, so a
 * symlink cannot lead out of it. Only GET and HEAD reach here, and only when no route
 * matched, so routes always win over files.
 */
import { realpathSync, type Stats, statSync } from "node:fs";
import { stat } from "node:fs/promises";
import { type IncomingMessage, type ServerResponse, validateHeaderName, validateHeaderValue } from "node:http";
import { basename, join, resolve } from "node:path";
import { ConfigurationError } from "../errors/index.js";
import { type CompressionOptions, type CompressionPolicy, type Encoding, isCompressible, negotiate, ownPolicy } from "../http/compress.js";
import { diskBody, mediaType, sendFile } from "../http/file.js";
import type { ResponseEnv } from "../http/reply.js";
import { FileCache, type FoundFile, type MemoryCacheOptions } from "./file-cache.js";

export interface StaticFilesOptions {
  /** The folder to serve. Relative paths are resolved against the working directory at start-up. */
  directory: string;
  /** URL prefix it is served under. Default "/". */
  prefix?: string;
  /** File served for a directory. Default "index.html"; `false` for none. */
  index?: string | false;
  /** `max-age` in seconds for ordinary files. Default 0 (browsers revalidate with the ETag). */
  maxAge?: number;
  /**
   * Files whose names carry a content hash (`app.3f9a8c1b.js`) never change: they are sent
   * with `max-age=31536000, immutable`. `true` uses that default pattern, a RegExp your own,
   * `false` none. Default true.
   */
  immutable?: boolean | RegExp;
  /** Send `file.br` / `file.gz` when present and the client accepts them. Default true. */
  precompressed?: boolean;
  /**
   * gzip/brotli on the fly for text-like files that have no precompressed sibling: `true` or
   * options, `false` for none. Default: the app's `compression` option.
   */
  compress?: boolean | CompressionOptions;
  /**
   * More headers on every file this mount sends (a 304 repeats them), e.g. a
   * Content-Security-Policy for HTML pages. The headers the mount works out itself (type,
   * length, encoding, caching, validators, ranges) are refused here: use the options above.
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * Small files are kept in memory (checked against the file's inode, size and modification
   * time on every request, so edits show at once): sizes, or `false` to read every request
   * from disk. Default: files up to 256 KiB, 32 MiB per mount.
   */
  memoryCache?: MemoryCacheOptions | false;
}

/** What the mount sets from the file and its options; a `headers` entry may not replace them. */
const OWN_HEADERS = new Set([
  "content-type",
  "content-length",
  "content-encoding",
  "content-range",
  "accept-ranges",
  "cache-control",
  "etag",
  "last-modified",
  "vary",
  "transfer-encoding",
]);

/** `headers` as name/value pairs, checked at start-up so a bad one never reaches a response. */
function mountHeaders(headers: Readonly<Record<string, string>> | undefined, where: string): string[] {
  const out: string[] = [];
  for (const [given, value] of Object.entries(headers ?? {})) {
    const name = given.toLowerCase();
    if (OWN_HEADERS.has(name)) {
      throw new ConfigurationError(`${where}: headers may not set ${name}; the mount sets it (use maxAge, immutable or compress).`);
    }
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      throw new ConfigurationError(`${where}: headers.${given} is not a valid header name and string value.`);
    }
    out.push(name, value);
  }
  return out;
}

const HASHED = /[.-][0-9a-f]{8,}\.[a-z0-9]+$/i;
const YEAR = 31_536_000;
const BR_ONLY: CompressionPolicy = { threshold: 0, encodings: ["br"], brotliQuality: 0, gzipLevel: 0 };
const GZIP_ONLY: CompressionPolicy = { threshold: 0, encodings: ["gzip"], brotliQuality: 0, gzipLevel: 0 };

/** Encodings the client accepts (q > 0), in our order of preference. */
function accepted(req: IncomingMessage): Encoding[] {
  const out: Encoding[] = [];
  if (negotiate(req, BR_ONLY) !== null) out.push("br");
  if (negotiate(req, GZIP_ONLY) !== null) out.push("gzip");
  return out;
}
const SUFFIX: Record<string, string> = { br: ".br", gzip: ".gz" };

export class StaticFiles {
  readonly prefix: string;
  readonly root: string;
  readonly #index: string | null;
  readonly #maxAge: number;
  readonly #immutable: RegExp | null;
  readonly #precompressed: boolean;
  readonly #policy: CompressionPolicy | null;
  readonly #headers: readonly string[];
  readonly #cache: FileCache;
  /** The response environment with this mount's compression policy, made once from the app's. */
  #env: { base: ResponseEnv; env: ResponseEnv } | null = null;

  /** `app` is the app's compression policy; `where` names the mount in start-up errors. */
  constructor(options: StaticFilesOptions, app: CompressionPolicy | null = null, where = `staticFiles (${options.directory})`) {
    let root: string;
    try {
      root = realpathSync(resolve(options.directory));
    } catch {
      throw new ConfigurationError(`${where}: the directory does not exist. Create it or fix the path.`);
    }
    if (!statSync(root).isDirectory()) throw new ConfigurationError(`${where}: not a directory.`);
    const prefix = `/${options.prefix ?? ""}`.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
    if (/[?#%\\]/.test(prefix)) throw new ConfigurationError(`${where}: prefix ${prefix} must be a plain path.`);
    const maxAge = options.maxAge ?? 0;
    if (!Number.isSafeInteger(maxAge) || maxAge < 0) throw new ConfigurationError(`${where}: maxAge must be whole seconds.`);
    this.prefix = prefix;
    this.root = root;
    this.#index = options.index === false ? null : (options.index ?? "index.html");
    this.#maxAge = maxAge;
    this.#immutable = options.immutable === false ? null : options.immutable instanceof RegExp ? options.immutable : HASHED;
    this.#precompressed = options.precompressed !== false;
    this.#policy = ownPolicy(options.compress, app);
    this.#headers = mountHeaders(options.headers, where);
    this.#cache = new FileCache(root, options.memoryCache, where);
  }

  /** Bytes of small files this mount holds in memory (for tests and diagnostics). */
  get memoryBytes(): number {
    return this.#cache.bytesHeld;
  }

  /** The file for a request path, or null. Never throws for client input. */
  async resolve(path: string): Promise<FoundFile | null> {
    const segments = this.#segments(path);
    if (segments === null) return null;
    let full = join(this.root, ...segments);
    let stats = await statOrNull(full);
    if (stats?.isDirectory() === true) {
      if (this.#index === null) return null;
      full = join(full, this.#index);
      stats = await statOrNull(full);
    }
    if (stats === null || !stats.isFile()) return null;
    return this.#cache.find(full, stats);
  }

  #segments(path: string): string[] | null {
    let rest: string;
    if (this.prefix === "/") rest = path;
    else if (path === this.prefix) rest = "/";
    else if (path.startsWith(`${this.prefix}/`)) rest = path.slice(this.prefix.length);
    else return null;
    const raw = rest.split("/").slice(1);
    if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop();
    const out: string[] = [];
    for (const part of raw) {
      let segment: string;
      try {
        segment = decodeURIComponent(part);
      } catch {
        return null;
      }
      if (segment === "" || segment.startsWith(".") || /[/\\\0]/.test(segment) || segment.includes(":")) return null;
      out.push(segment);
    }
    return out;
  }

  /** Serves the file for `path` if there is one; false means "not mine", so the caller answers 404. */
  async serve(res: ServerResponse, path: string, base: ResponseEnv): Promise<boolean> {
    const found = await this.resolve(path);
    if (found === null) return false;
    const name = basename(found.path);
    const cache = this.#immutable?.test(name) === true ? `public, max-age=${YEAR}, immutable` : `public, max-age=${this.#maxAge}`;
    const extra = ["cache-control", cache, ...this.#headers];
    const type = mediaType(found.path);
    const env = this.#envFor(base);
    if (this.#precompressed) {
      // The best accepted encoding that has a sibling on disk: br, then gzip.
      for (const encoding of accepted(res.req as IncomingMessage)) {
        const sibling = await this.#sibling(found.path, encoding);
        if (sibling === null) continue;
        await sendFile(res, diskBody(sibling.path, sibling.stats, encoding, sibling.bytes), type, extra, null, env, {
          validators: true,
          ranges: false,
          encoding,
        });
        return true;
      }
    }
    // Sent as is (or compressed on the fly): a cache must still keep it apart from an encoded sibling.
    const vary = this.#precompressed && isCompressible(type);
    await sendFile(res, diskBody(found.path, found.stats, undefined, found.bytes), type, extra, null, env, {
      validators: true,
      ranges: true,
      vary,
    });
    return true;
  }

  #envFor(base: ResponseEnv): ResponseEnv {
    if (this.#policy === null) return base;
    if (this.#env?.base !== base) this.#env = { base, env: { ...base, compression: this.#policy } };
    return this.#env.env;
  }

  async #sibling(path: string, encoding: string): Promise<FoundFile | null> {
    const candidate = path + (SUFFIX[encoding] as string);
    const stats = await statOrNull(candidate);
    if (stats === null || !stats.isFile()) return null;
    return this.#cache.find(candidate, stats);
  }
}

function statOrNull(path: string): Promise<Stats | null> {
  return stat(path).catch(() => null);
}

/** Every mount of an app, tried in order. */
export class StaticMounts {
  readonly #mounts: readonly StaticFiles[];

  constructor(mounts: readonly StaticFiles[]) {
    this.#mounts = mounts;
  }

  async serve(res: ServerResponse, path: string, env: ResponseEnv): Promise<boolean> {
    for (const mount of this.#mounts) if (await mount.serve(res, path, env)) return true;
    return false;
  }
}
