/**
 * The docs UI: Swagger UI from the swagger-ui-dist package, served from the app's own origin
 * (no CDN, so it works offline and leaks nothing) under a strict Content-Security-Policy.
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

/** The files the page loads, with their content types; nothing else of the package is served. */
export const DOCS_ASSETS: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "index.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};

/** Our start-up script: a file, not inline, so the policy can forbid inline scripts. */
export const INIT_SCRIPT = "init.js";

/**
 * Only our own origin, for scripts, styles, the document fetch and "Try it out"; `data:`
 * images are Swagger UI's CSS icons. The browser test checks the UI runs without a violation.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

interface Asset {
  raw: Buffer;
  gzipped: Buffer | null;
}

function escapeHtml(text: string): string {
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

export class DocsUi {
  readonly version: string;
  readonly #dir: string;
  readonly #assets = new Map<string, Promise<Asset>>();

  constructor() {
    let dir: string;
    try {
      // Resolving package.json (not the package) avoids loading the 1.7 MB bundle into Node.
      dir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
    } catch {
      throw new ConfigurationError("docsUrl needs the swagger-ui-dist package, which is missing: run `npm install swagger-ui-dist`.");
    }
    for (const name of Object.keys(DOCS_ASSETS)) {
      if (!existsSync(join(dir, name))) throw new ConfigurationError(`swagger-ui-dist at ${dir} has no ${name}: reinstall it.`);
    }
    this.#dir = dir;
    this.version = String((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: unknown }).version ?? "0");
  }

  /** The page; asset URLs carry the package version so a cached copy never outlives an upgrade. */
  page(title: string, assetBase: string): Reply {
    const at = (name: string) => escapeHtml(`${assetBase}/${name}?v=${this.version}`);
    const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${at("swagger-ui.css")}">
<link rel="stylesheet" href="${at("index.css")}">
<link rel="icon" type="image/png" href="${at("favicon-32x32.png")}" sizes="32x32">
<link rel="icon" type="image/png" href="${at("favicon-16x16.png")}" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${at("swagger-ui-bundle.js")}"></script>
<script src="${at(INIT_SCRIPT)}"></script>
</body>
</html>
`;
    return reply(Buffer.from(html), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": DOCS_CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "no-cache",
      },
    });
  }

  /** Points Swagger UI at the document; no online validator badge (it would call out). */
  init(openapiUrl: string): Reply {
    const script = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(openapiUrl)},
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;
    return reply(Buffer.from(script), { headers: assetHeaders("text/javascript; charset=utf-8", null) });
  }

  /** One of the listed files; any other name is a 404, so the rest of the package stays private. */
  async asset(name: string, acceptEncoding: string | undefined): Promise<Reply> {
    if (!Object.hasOwn(DOCS_ASSETS, name)) throw new RouteNotFoundError(`No docs asset named ${name}`);
    const type = DOCS_ASSETS[name] as string;
    let loading = this.#assets.get(name);
    if (loading === undefined) {
      loading = this.#load(name, type);
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

  async #load(name: string, type: string): Promise<Asset> {
    const raw = await readFile(join(this.#dir, name));
    const gzipped = type.startsWith("image/") ? null : await gzipAsync(raw);
    return { raw, gzipped };
  }
}

/** `encoding` null: never compressed; "identity": compressible but sent plain (so caches vary). */
function assetHeaders(type: string, encoding: "gzip" | "identity" | null): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": type,
    "x-content-type-options": "nosniff",
    "cache-control": "public, max-age=86400",
  };
  if (encoding !== null) headers.vary = "accept-encoding";
  if (encoding === "gzip") headers["content-encoding"] = "gzip";
  return headers;
}
