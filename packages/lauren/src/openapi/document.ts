/**
 * Builds the OpenAPI 3.1 document from the compiled routes, once, at start-up: one operation
 * per route (hidden ones left out), parameters read from the params/query/headers object
 * schemas, the JSON body, the real success status and the errors each route can produce.
 */
import type { LaurenApplication } from "../app/application.js";
import type { CompiledRoute } from "../app/compile-routes.js";
import type { Logger } from "../app/logger.js";
import type { OpenApiInfo } from "../app/options.js";
import { ROUTE } from "../decorators/kinds.js";
import type { RouteMeta } from "../decorators/routes.js";
import { readMeta } from "../metadata/index.js";
import { joinPath, normalise } from "../routing/index.js";
import type { StandardSchemaV1 } from "../validation/index.js";
import { ERROR_ENVELOPE, errorResponses, successResponses } from "./responses.js";
import { type SchemaLabel, SchemaRegistry } from "./schema.js";
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter, OpenApiPathItem } from "./types.js";

export interface DocumentOptions {
  info?: OpenApiInfo | undefined;
  /** Receives a warning for each schema that has no JSON Schema form. */
  logger?: Logger | undefined;
}

export const DEFAULT_INFO = { title: "Lauren application", version: "1.0.0" } as const;

/** Documents served by apps, keyed by the app's route list (the app is built after them). */
const served = new WeakMap<readonly CompiledRoute[], OpenApiDocument>();

export function rememberServed(routes: readonly CompiledRoute[], document: OpenApiDocument): void {
  served.set(routes, document);
}

/**
 * The app's OpenAPI document: a copy of the one `openapiUrl` serves, or, when it serves none
 * (or `options` are given), one built from its routes. Useful to write the contract to a file
 * in CI or to check it in a test.
 */
export function openApiDocument(app: LaurenApplication, options?: DocumentOptions): OpenApiDocument {
  const document = options === undefined ? served.get(app.routes) : undefined;
  return document === undefined ? buildDocument(app.routes, { logger: app.logger, ...options }) : structuredClone(document);
}

export function buildDocument(routes: readonly CompiledRoute[], options: DocumentOptions = {}): OpenApiDocument {
  const logger = options.logger;
  const registry = new SchemaRegistry({ ErrorEnvelope: ERROR_ENVELOPE }, (m) => logger?.warn(`OpenAPI: ${m}`));
  const paths: Record<string, OpenApiPathItem> = {};
  // The router treats `/heroes` and `/heroes/` as one path, so the document keys them once.
  const keys = new Map<string, string>();
  const ids = new Set<string>();
  for (const route of routes) {
    if (route.options.hidden === true) continue;
    const key = keys.get(route.path) ?? declaredPath(route);
    keys.set(route.path, key);
    const item = paths[key] ?? {};
    item[route.method.toLowerCase()] = operation(route, registry, uniqueId(route, ids));
    paths[key] = item;
  }
  const info = options.info ?? {};
  const schemas: Record<string, JsonSchema> = {};
  for (const name of Object.keys(registry.components).sort()) schemas[name] = registry.components[name] as JsonSchema;
  return {
    openapi: "3.1.0",
    info: {
      title: info.title ?? DEFAULT_INFO.title,
      version: info.version ?? DEFAULT_INFO.version,
      ...(info.description === undefined ? {} : { description: info.description }),
    },
    paths,
    components: { schemas },
  };
}

/** The router ignores a trailing slash; the document keeps the form it was declared with (`/heroes/`). */
function declaredPath(route: CompiledRoute): string {
  const meta = readMeta(route.descriptor.controller)?.methods.get(route.descriptor.handlerName);
  const list = meta?.kinds.get(ROUTE) as readonly RouteMeta[] | undefined;
  const declared = list?.find((r) => r.method === route.method && route.path.endsWith(joinPath("", r.path).replace(/^\/$/, "")));
  // OpenAPI has no rest-of-path parameter: `{*path}` is documented as `{path}`.
  const path = route.path.replace(/\{\*([A-Za-z0-9_]+)\}$/, "{$1}");
  if (declared === undefined || path === "/" || !declared.path.endsWith("/")) return path;
  return `${path}/`;
}

function uniqueId(route: CompiledRoute, ids: Set<string>): string {
  const base = `${route.descriptor.controllerName}_${route.descriptor.handlerName}`.replace(/[^A-Za-z0-9_.-]/g, "_");
  let id = base;
  for (let n = 2; ids.has(id); n++) id = `${base}_${n}`;
  ids.add(id);
  return id;
}

function operation(route: CompiledRoute, registry: SchemaRegistry, operationId: string): OpenApiOperation {
  const where = route.contextRoute.label;
  const label = (part: string): SchemaLabel => ({ where: `${where}, ${part} schema`, hint: `${operationId}_${part}` });
  const tags = [...new Set([...(route.controllerOptions.tags ?? []), ...(route.options.tags ?? [])])];
  const parameters = [
    ...pathParameters(route, registry, label("params")),
    ...objectParameters(route.query, "query", registry, label("query")),
    ...objectParameters(route.headers, "header", registry, label("headers")),
  ];
  const { summary, description } = route.options;
  return {
    ...(tags.length > 0 ? { tags } : {}),
    ...(summary === undefined ? {} : { summary }),
    ...(description === undefined ? {} : { description }),
    operationId,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body === null
      ? {}
      : {
          requestBody: {
            required: true,
            content: { "application/json": { schema: registry.convert(route.body, "input", label("body")) } },
          },
        }),
    responses: { ...successResponses(route, registry, label("response")), ...errorResponses(route) },
  };
}

/** One parameter per property of an object schema (after following a `$ref`). */
function objectParameters(
  schema: StandardSchemaV1 | null,
  location: OpenApiParameter["in"],
  registry: SchemaRegistry,
  label: SchemaLabel,
): OpenApiParameter[] {
  if (schema === null) return [];
  const json = registry.resolve(registry.convert(schema, "input", label));
  const properties = json.properties;
  if (typeof properties !== "object" || properties === null) return [];
  const required = Array.isArray(json.required) ? (json.required as unknown[]) : [];
  return Object.entries(properties as Record<string, JsonSchema>).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || required.includes(name),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}

/** Every `{name}` in the template is documented, as a string when the params schema does not say. */
function pathParameters(route: CompiledRoute, registry: SchemaRegistry, label: SchemaLabel): OpenApiParameter[] {
  const names = normalise(route.path).params;
  const declared = objectParameters(route.params, "path", registry, label);
  return names.map((name) => declared.find((p) => p.name === name) ?? { name, in: "path", required: true, schema: { type: "string" } });
}
