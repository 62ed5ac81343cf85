/**
 * The ReDoc docs page, from the redoc package's standalone bundle, served from the app's own
 * origin like Swagger UI. ReDoc styles itself with generated <style> elements, so the policy
 * allows styles carrying this response's nonce (ReDoc passes it on to every element it adds)
 * rather than 'unsafe-inline'; its search index runs in a worker it builds from a blob.
 */
import { randomBytes } from "node:crypto";
import { type Reply, reply } from "../http/reply.js";
import { escapeHtml, INIT_SCRIPT, initScript, PackageAssets, pageHeaders } from "./assets.js";

const FILES: Record<string, readonly [string, string]> = {
  "redoc.standalone.js": ["bundles/redoc.standalone.js", "text/javascript; charset=utf-8"],
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
</head>
<body>
<div id="redoc"></div>
<script src="${at("redoc.standalone.js")}"></script>
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
