/**
 * Serves the document at `openapiUrl` and the docs pages at `docsUrl` (Swagger UI) and
 * `redocUrl` (ReDoc), as framework-owned routes added after the user's. The document is
 * generated and serialised here, once; each request just writes the same bytes.
 */
import type { CompiledRoute } from "../app/compile-routes.js";
import { mountInternalRoute } from "../app/internal-route.js";
import type { Logger } from "../app/logger.js";
import type { LaurenOptions } from "../app/options.js";
import { ConfigurationError } from "../errors/index.js";
import type { Ctx } from "../http/context.js";
import { type Reply, reply } from "../http/reply.js";
import type { CompiledModule } from "../modules/index.js";
import type { Router } from "../routing/index.js";
import { joinPath } from "../routing/index.js";
import { INIT_SCRIPT, type PackageAssets } from "./assets.js";
import { DocsUi } from "./docs-ui.js";
import { buildDocument, documentOptions, rememberOptions, rememberServed, rootPath } from "./document.js";
import { RedocUi } from "./redoc-ui.js";

export interface MountInput {
  router: Router<CompiledRoute>;
  /** The app's routes; the framework routes are appended. */
  routes: CompiledRoute[];
  /** The root module, the scope framework routes run in. */
  module: CompiledModule;
  options: LaurenOptions;
  logger: Logger;
}

function checkPath(option: string, value: string): string {
  if (!value.startsWith("/") || /[?#{}\s]/.test(value)) {
    throw new ConfigurationError(`${option} must be a plain path starting with "/" (like "/docs"), got ${JSON.stringify(value)}.`);
  }
  return value;
}

interface DocsPage {
  assets: PackageAssets;
  /** The page differs per response (a nonce), so it is built per request. */
  readonly perRequest: boolean;
  page(title: string, assetBase: string): Reply;
  init(documentUrl: string): Reply;
}

/** Does nothing unless `openapiUrl` is set; `docsUrl` and `redocUrl` need it (checked by resolveOptions). */
export function mountOpenApi({ router, routes, module, options, logger }: MountInput): void {
  const docOptions = documentOptions(options);
  const prefix = rootPath(options.openapiRootPath);
  rememberOptions(routes, docOptions);
  if (!options.openapiUrl) return;
  const openapiUrl = checkPath("openapiUrl", options.openapiUrl);
  // Located before any route is added, so a broken install fails without half a mount.
  const pages: [string, string, DocsPage][] = [];
  if (options.docsUrl) pages.push([checkPath("docsUrl", options.docsUrl), "docsUrl", new DocsUi()]);
  if (options.redocUrl) pages.push([checkPath("redocUrl", options.redocUrl), "redocUrl", new RedocUi()]);

  const document = buildDocument(routes, { ...docOptions, logger });
  rememberServed(routes, document);
  const json = reply(Buffer.from(JSON.stringify(document)), {
    headers: { "content-type": "application/json", "cache-control": "no-cache" },
  });
  const add = (path: string, option: string, handlerName: string, handler: (ctx: unknown) => unknown) =>
    mountInternalRoute(router, routes, { path, option, handlerName, handler, module });
  add(openapiUrl, "openapiUrl", "openapi", () => json);

  const title = `${document.info.title} ${document.info.version} – API docs`;
  // Behind a proxy that strips `prefix`, the browser sees every URL under it.
  const documentUrl = prefix + joinPath("", openapiUrl);
  for (const [path, option, ui] of pages) {
    const assets = joinPath(path, "assets");
    const assetBase = prefix + assets;
    const init = ui.init(documentUrl);
    const page = ui.perRequest ? null : ui.page(title, assetBase);
    add(path, option, option === "docsUrl" ? "docs" : "redoc", () => page ?? ui.page(title, assetBase));
    // One route for every asset keeps the route table (and the start-up log) short.
    add(`${assets}/{file}`, option, option === "docsUrl" ? "docsAsset" : "redocAsset", (ctx) => {
      const { params, request } = ctx as Ctx;
      return params.file === INIT_SCRIPT ? init : ui.assets.asset(params.file ?? "", request.header("accept-encoding"));
    });
  }
}
