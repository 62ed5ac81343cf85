/**
 * Serves the document at `openapiUrl` and the docs UI at `docsUrl`, as framework-owned routes
 * added after the user's. The document is generated and serialised here, once; each request
 * just writes the same bytes.
 */
import type { CompiledRoute } from "../app/compile-routes.js";
import { mountInternalRoute } from "../app/internal-route.js";
import type { Logger } from "../app/logger.js";
import type { LaurenOptions } from "../app/options.js";
import { ConfigurationError } from "../errors/index.js";
import type { Ctx } from "../http/context.js";
import { reply } from "../http/reply.js";
import type { CompiledModule } from "../modules/index.js";
import type { Router } from "../routing/index.js";
import { joinPath } from "../routing/index.js";
import { DocsUi, INIT_SCRIPT } from "./docs-ui.js";
import { buildDocument, DEFAULT_INFO, rememberServed } from "./document.js";

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

/** Does nothing unless `openapiUrl` is set; `docsUrl` needs it (checked by resolveOptions). */
export function mountOpenApi({ router, routes, module, options, logger }: MountInput): void {
  if (!options.openapiUrl) return;
  const openapiUrl = checkPath("openapiUrl", options.openapiUrl);
  const docsUrl = options.docsUrl ? checkPath("docsUrl", options.docsUrl) : null;
  // Located before any route is added, so a broken install fails without half a mount.
  const ui = docsUrl === null ? null : new DocsUi();

  const document = buildDocument(routes, { info: options.openapiInfo, logger });
  rememberServed(routes, document);
  const json = reply(Buffer.from(JSON.stringify(document)), {
    headers: { "content-type": "application/json", "cache-control": "no-cache" },
  });
  const add = (path: string, option: string, handlerName: string, handler: (ctx: unknown) => unknown) =>
    mountInternalRoute(router, routes, { path, option, handlerName, handler, module });
  add(openapiUrl, "openapiUrl", "openapi", () => json);
  if (ui === null || docsUrl === null) return;

  const assets = joinPath(docsUrl, "assets");
  const page = ui.page(`${options.openapiInfo?.title ?? DEFAULT_INFO.title} – API docs`, assets);
  const init = ui.init(openapiUrl);
  add(docsUrl, "docsUrl", "docs", () => page);
  // One route for every asset keeps the route table (and the start-up log) short.
  add(`${assets}/{file}`, "docsUrl", "docsAsset", (ctx) => {
    const { params, request } = ctx as Ctx;
    return params.file === INIT_SCRIPT ? init : ui.asset(params.file ?? "", request.header("accept-encoding"));
  });
}
