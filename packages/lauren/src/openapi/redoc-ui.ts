/**
 * The ReDoc docs page, from the redoc package's standalone bundle, served from the app's own
 * origin like Swagger UI. ReDoc styles itself with generated <style> elements, so the policy
 * allows styles carrying this response's nonce (ReDoc passes it on to every element it adds)
 * rather than 'unsafe-inline'; its search index runs in a worker it builds from a blob.
 */
import { randomBytes } from "node:crypto";
import { type Reply, reply } from "../http/reply.js";
import { type AssetFile, escapeHtml, INIT_SCRIPT, initScript, PackageAssets, pageHeaders } from "./assets.js";

/**
 * Two edits to the bundle as served, both checked by the browser test. ReDoc's menu footer
 * shows a logo from cdn.redoc.ly, which the policy would block with a console error: an empty
 * data: image takes its place, and ReDoc hides it. And the bundle adds its scrollbar styles
 * while it loads, before ReDoc.init can hand over the nonce: webpack's nonce is read from the
 * bundle's own script element instead, which carries it.
 */
const REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const WEBPACK_NONCE = "},r.nc=void 0;";
const WEBPACK_NONCE_FROM_SCRIPT = "},r.nc=document.currentScript&&document.currentScript.nonce||void 0;";

const FILES: Record<string, AssetFile> = {
  "redoc.standalone.js": {
    path: "bundles/redoc.standalone.js",
    type: "text/javascript; charset=utf-8",
    rewrite: (text) => text.replaceAll(REDOC_CDN_LOGO, "data:,").replace(WEBPACK_NONCE, WEBPACK_NONCE_FROM_SCRIPT),
  },
};

export function redocCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export class RedocUi {
  readonly assets = new PackageAssets("redoc", FILES, "redocUrl");
  readonly perRequest = true;

  /** A fresh nonce per response, so a page cached or seen by someone else is no help to an attacker. */
  page(title: string, assetBase: string): Reply {
    const nonce = randomBytes(16).toString("base64");
    const at = (name: string) => this.assets.url(assetBase, name);
    const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="redoc"></div>
<script src="${at("redoc.standalone.js")}" nonce="${nonce}"></script>
<script src="${at(INIT_SCRIPT)}" nonce="${nonce}"></script>
</body>
</html>
`;
    return reply(Buffer.from(html), { headers: pageHeaders(redocCsp(nonce)) });
  }

  /** Reads the nonce from its own script element and hands it to ReDoc for its styles. */
  init(documentUrl: string): Reply {
    return initScript(`Redoc.init(${JSON.stringify(documentUrl)}, { nonce: document.currentScript.nonce }, document.getElementById("redoc"));
`);
  }
}
