/**
 * The files of a docs UI package (swagger-ui-dist, redoc), served from the app's own origin.
 * The package is located at start-up, so a broken install fails then; files are read (and
 * text ones gzipped) on first request and kept, since most runs never open the docs.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { ConfigurationError, RouteNotFoundError } from "../errors/index.js";
import { type Reply, reply } from "../http/reply.js";

const gzipAsync = promisify(gzip);

/** A file the page loads: where it is in the package, its type, and an optional rewrite applied once on load. */
export interface AssetFile {
  path: string;
  type: string;
  rewrite?: (text: string) => string;
}

interface Asset {
  raw: Buffer;
  gzipped: Buffer | null;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** True unless the client refuses gzip (`gzip;q=0`) or does not mention it. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  for (const part of header.toLowerCase().split(",")) {
    const [coding = "", ...params] = part.split(";").map((p) => p.trim());
    if (coding !== "gzip" && coding !== "*") continue;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

export class PackageAssets {
  readonly version: string;
  readonly #dir: string;
  /** By served name; nothing else of the package is served. */
  readonly #files: Readonly<Record<string, AssetFile>>;
  readonly #assets = new Map<string, Promise<Asset>>();

  /** `option` names the app option that needs the package, for the error message. */
  constructor(pkg: string, files: Readonly<Record<string, AssetFile>>, option: string) {
    let dir: string;
    try {
      // Resolving package.json (not the package) avoids loading a megabyte bundle into Node.
      dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
    } catch {
      throw new ConfigurationError(`${option} needs the ${pkg} package, which is missing: run \`npm install ${pkg}\`.`);
    }
    for (const { path } of Object.values(files)) {
      if (!existsSync(join(dir, path))) throw new ConfigurationError(`${pkg} at ${dir} has no ${path}: reinstall it.`);
    }
    this.#dir = dir;
    this.#files = files;
    this.version = String((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: unknown }).version ?? "0");
  }

  /** An asset URL carrying the package version, so a cached copy never outlives an upgrade. */
  url(base: string, name: string): string {
    return escapeHtml(`${base}/${name}?v=${this.version}`);
  }

  /** One of the listed files; any other name is a 404, so the rest of the package stays private. */
  async asset(name: string, acceptEncoding: string | undefined): Promise<Reply> {
    if (!Object.hasOwn(this.#files, name)) throw new RouteNotFoundError(`No docs asset named ${name}`);
    const file = this.#files[name] as AssetFile;
    const type = file.type;
    let loading = this.#assets.get(name);
    if (loading === undefined) {
      loading = this.#load(file);
      this.#assets.set(name, loading);
      // A failed read is retried on the next request rather than cached.
      loading.catch(() => this.#assets.delete(name));
    }
    const asset = await loading;
    if (asset.gzipped !== null && acceptsGzip(acceptEncoding)) {
      return reply(asset.gzipped, { headers: assetHeaders(type, "gzip") });
    }
    return reply(asset.raw, { headers: assetHeaders(type, asset.gzipped === null ? null : "identity") });
  }

  async #load({ path, type, rewrite }: AssetFile): Promise<Asset> {
    const read = await readFile(join(this.#dir, path));
    const raw = rewrite === undefined ? read : Buffer.from(rewrite(read.toString("utf8")));
    const gzipped = type.startsWith("image/") ? null : await gzipAsync(raw);
    return { raw, gzipped };
  }
}

/** `encoding` null: never compressed; "identity": compressible but sent plain (so caches vary). */
export function assetHeaders(type: string, encoding: "gzip" | "identity" | null): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": type,
    "x-content-type-options": "nosniff",
    "cache-control": "public, max-age=86400",
  };
  if (encoding !== null) headers.vary = "accept-encoding";
  if (encoding === "gzip") headers["content-encoding"] = "gzip";
  return headers;
}

/** The page's headers: its own policy, nothing cached, no referrer. */
export function pageHeaders(csp: string): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
  };
}

/** Our start-up script: a file, not inline, so the policy can forbid inline scripts. */
export const INIT_SCRIPT = "init.js";

export function initScript(source: string): Reply {
  return reply(Buffer.from(source), { headers: assetHeaders("text/javascript; charset=utf-8", null) });
}
