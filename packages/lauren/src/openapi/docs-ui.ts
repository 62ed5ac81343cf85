/**
 * The Swagger UI docs page, from the swagger-ui-dist package, served from the app's own
 * origin (no CDN, so it works offline and leaks nothing) under a strict Content-Security-Policy.
 */
import { type Reply, reply } from "../http/reply.js";
import { type AssetFile, escapeHtml, INIT_SCRIPT, initScript, PackageAssets, pageHeaders } from "./assets.js";

/** The files the page loads, with their content types. */
const FILES: Record<string, AssetFile> = {
  "swagger-ui.css": { path: "swagger-ui.css", type: "text/css; charset=utf-8" },
  "index.css": { path: "index.css", type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": { path: "swagger-ui-bundle.js", type: "text/javascript; charset=utf-8" },
  "favicon-32x32.png": { path: "favicon-32x32.png", type: "image/png" },
  "favicon-16x16.png": { path: "favicon-16x16.png", type: "image/png" },
};

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

export class DocsUi {
  readonly assets = new PackageAssets("swagger-ui-dist", FILES, "docsUrl");
  readonly perRequest = false;

  page(title: string, assetBase: string): Reply {
    const at = (name: string) => this.assets.url(assetBase, name);
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
    return reply(Buffer.from(html), { headers: pageHeaders(DOCS_CSP) });
  }

  /** Points Swagger UI at the document; no online validator badge (it would call out). */
  init(documentUrl: string): Reply {
    return initScript(`window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(documentUrl)},
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`);
  }
}
