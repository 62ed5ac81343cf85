/**
 * Builds the OpenAPI 3.1 document from the compiled routes, once, at start-up: one operation
 * per route (hidden ones left out), parameters read from the params/query/headers object
 * schemas, the JSON body, the real success status, the errors each route can produce, the
 * security its guards enforce, and the text, tags and ids the app gave it.
 */
import type { LaurenApplication } from "../app/application.js";
import type { CompiledRoute } from "../app/compile-routes.js";
import type { Logger } from "../app/logger.js";
import { ROUTE } from "../decorators/kinds.js";
import type { RouteMeta } from "../decorators/routes.js";
import { ConfigurationError } from "../errors/index.js";
import { readMeta } from "../metadata/index.js";
import { joinPath, normalise } from "../routing/index.js";
import type { StandardSchemaV1 } from "../validation/index.js";
import { clientErrorFallback, declaredResponses, ERROR_ENVELOPE, errorResponses, successResponses } from "./responses.js";
import { type SchemaLabel, SchemaRegistry } from "./schema.js";
import { checkSchemes, operationSecurity } from "./security.js";
import { summaryFromName, TagList } from "./tags.js";
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiInfo,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiPathItem,
  OpenApiRequestBody,
  OpenApiSecurityScheme,
  OpenApiServer,
  OpenApiTag,
} from "./types.js";

export interface DocumentOptions {
  info?: OpenApiInfo | undefined;
  servers?: readonly OpenApiServer[] | undefined;
  securitySchemes?: Readonly<Record<string, OpenApiSecurityScheme>> | undefined;
  tags?: readonly OpenApiTag[] | undefined;
  /** The prefix a proxy strips ("/api"); the default server URL. */
  rootPath?: string | undefined;
  /** Receives a warning for each schema that has no JSON Schema form. */
  logger?: Logger | undefined;
}

export const DEFAULT_INFO = { title: "Lauren application", version: "1.0.0" } as const;

/**
 * Documents served by apps, and the OpenAPI options of apps that serve none, keyed by the
 * app's route list (the app is built after them).
 */
const served = new WeakMap<readonly CompiledRoute[], OpenApiDocument>();
const configured = new WeakMap<readonly CompiledRoute[], DocumentOptions>();

export function rememberServed(routes: readonly CompiledRoute[], document: OpenApiDocument): void {
  served.set(routes, document);
}

export function rememberOptions(routes: readonly CompiledRoute[], options: DocumentOptions): void {
  configured.set(routes, options);
}

/**
 * The app's OpenAPI document: a copy of the one `openapiUrl` serves, or, when it serves none
 * (or `options` are given), one built from its routes with the app's OpenAPI options. Useful
 * to write the contract to a file in CI or to check it in a test.
 */
export function openApiDocument(app: LaurenApplication, options?: DocumentOptions): OpenApiDocument {
  const document = options === undefined ? served.get(app.routes) : undefined;
  if (document !== undefined) return structuredClone(document);
  return buildDocument(app.routes, { ...configured.get(app.routes), logger: app.logger, ...options });
}

/** The document-related app options, by their DocumentOptions names. */
export function documentOptions(options: {
  openapiInfo?: OpenApiInfo | undefined;
  openapiServers?: readonly OpenApiServer[] | undefined;
  openapiSecuritySchemes?: Readonly<Record<string, OpenApiSecurityScheme>> | undefined;
  openapiTags?: readonly OpenApiTag[] | undefined;
  openapiRootPath?: string | undefined;
}): DocumentOptions {
  return {
    info: options.openapiInfo,
    servers: options.openapiServers,
    securitySchemes: options.openapiSecuritySchemes,
    tags: options.openapiTags,
    rootPath: options.openapiRootPath,
  };
}

export function buildDocument(routes: readonly CompiledRoute[], options: DocumentOptions = {}): OpenApiDocument {
  const logger = options.logger;
  const registry = new SchemaRegistry({ ErrorEnvelope: ERROR_ENVELOPE }, (m) => logger?.warn(`OpenAPI: ${m}`));
  const schemes = options.securitySchemes ?? {};
  checkSchemes(schemes);
  const tags = new TagList(options.tags);
  const documented = routes.filter((route) => route.options.hidden !== true);
  const ids = operationIds(documented);
  const paths: Record<string, OpenApiPathItem> = {};
  // The router treats `/heroes` and `/heroes/` as one path, so the document keys them once.
  const keys = new Map<string, string>();
  for (const [i, route] of documented.entries()) {
    const key = keys.get(route.path) ?? declaredPath(route);
    keys.set(route.path, key);
    const item = paths[key] ?? {};
    item[route.method.toLowerCase()] = operation(route, { registry, tags, schemes, operationId: ids[i] as string });
    paths[key] = item;
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const name of Object.keys(registry.components).sort()) schemas[name] = registry.components[name] as JsonSchema;
  const tagList = tags.list;
  return {
    openapi: "3.1.0",
    info: info(options.info),
    servers: options.servers === undefined ? [{ url: rootPath(options.rootPath) || "/" }] : options.servers.map((s) => ({ ...s })),
    ...(tagList.length > 0 ? { tags: tagList } : {}),
    paths,
    components: { schemas, ...(Object.keys(schemes).length > 0 ? { securitySchemes: structuredClone({ ...schemes }) } : {}) },
  };
}

function info(given: OpenApiInfo = {}): OpenApiDocument["info"] {
  if (given.license?.identifier !== undefined && given.license.url !== undefined) {
    throw new ConfigurationError(
      "openapiInfo.license has both identifier and url; OpenAPI allows one: keep identifier (an SPDX id like MIT).",
    );
  }
  const out: Record<string, unknown> = { title: given.title ?? DEFAULT_INFO.title, version: given.version ?? DEFAULT_INFO.version };
  for (const field of ["summary", "description", "termsOfService", "contact", "license"] as const) {
    if (given[field] !== undefined) out[field] = structuredClone(given[field]);
  }
  return out as unknown as OpenApiDocument["info"];
}

/** `"/api"` as given, `""` for none; anything else is refused. */
export function rootPath(value: string | undefined): string {
  if (value === undefined || value === "" || value === "/") return "";
  if (!value.startsWith("/") || value.endsWith("/") || /[?#{}\s]/.test(value)) {
    throw new ConfigurationError(
      `openapiRootPath must be a path prefix like "/api" (leading slash, none at the end), got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/**
 * Ids the app gave are kept (and must be unique); the others are `Controller_handler`, with
 * `_2`, `_3` for repeats in route order, so they stay the same from one start to the next.
 */
function operationIds(routes: readonly CompiledRoute[]): string[] {
  const given = new Map<string, string>();
  for (const route of routes) {
    const id = route.options.operationId;
    if (id === undefined) continue;
    if (!/^[A-Za-z0-9._~-]+$/.test(id)) {
      throw new ConfigurationError(
        `${route.contextRoute.label} has operationId ${JSON.stringify(id)}; use letters, digits, ".", "_", "~" and "-" only.`,
      );
    }
    const other = given.get(id);
    if (other !== undefined) {
      throw new ConfigurationError(`${other} and ${route.contextRoute.label} both have operationId "${id}"; operation ids must be unique.`);
    }
    given.set(id, route.contextRoute.label);
  }
  const taken = new Set(given.keys());
  return routes.map((route) => {
    if (route.options.operationId !== undefined) return route.options.operationId;
    const base = `${route.descriptor.controllerName}_${route.descriptor.handlerName}`.replace(/[^A-Za-z0-9_.-]/g, "_");
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    return id;
  });
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

interface OperationInput {
  registry: SchemaRegistry;
  tags: TagList;
  schemes: Readonly<Record<string, OpenApiSecurityScheme>>;
  operationId: string;
}

function operation(route: CompiledRoute, { registry, tags, schemes, operationId }: OperationInput): OpenApiOperation {
  const where = route.contextRoute.label;
  const label = (part: string): SchemaLabel => ({ where: `${where}, ${part} schema`, hint: `${operationId}_${part}` });
  const tagNames = tags.forRoute(route);
  const parameters = [
    ...pathParameters(route, registry, label("params")),
    ...objectParameters(route.query, "query", registry, label("query")),
    ...objectParameters(route.headers, "header", registry, label("headers")),
    ...objectParameters(route.cookies, "cookie", registry, label("cookies")),
  ];
  const { description } = route.options;
  const summary = route.options.summary ?? summaryFromName(route.descriptor.handlerName);
  const deprecated = route.options.deprecated ?? route.controllerOptions.deprecated ?? false;
  const security = operationSecurity(route, schemes);
  // Converted before the responses: the input form of a schema claims its plain name first.
  const requestBody = requestBodyFor(route, registry, label);
  const responses = {
    ...successResponses(route, registry, label("response")),
    ...errorResponses(route),
    ...declaredResponses(route, registry, label("response")),
  };
  return {
    ...(tagNames.length > 0 ? { tags: tagNames } : {}),
    summary,
    ...(description === undefined ? {} : { description }),
    operationId,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody === null ? {} : { requestBody }),
    responses: { ...responses, ...clientErrorFallback(responses) },
    ...(deprecated ? { deprecated: true as const } : {}),
    ...(security === undefined ? {} : { security }),
  };
}

/**
 * JSON, form or both: a form documents files (fields the validator cannot describe) as binary
 * strings, and is offered url-encoded too unless it requires a file.
 */
function requestBodyFor(route: CompiledRoute, registry: SchemaRegistry, label: (part: string) => SchemaLabel): OpenApiRequestBody | null {
  const content: Record<string, { schema: JsonSchema }> = {};
  if (route.body !== null) content["application/json"] = { schema: registry.convert(route.body, "input", label("body")) };
  if (route.form !== null) {
    const schema = formSchema(registry.resolve(registry.convert(route.form.schema, "input", { ...label("form"), files: true })));
    // A url-encoded form carries no files: offered only when no file is required.
    const plain = withoutFiles(schema);
    if (requiredCount(plain) === requiredCount(schema)) content["application/x-www-form-urlencoded"] = { schema: plain };
    content["multipart/form-data"] = { schema };
  }
  return Object.keys(content).length === 0 ? null : { required: true, content };
}

const BINARY: JsonSchema = { type: "string", format: "binary" };

function isFile(property: unknown): boolean {
  return typeof property === "object" && property !== null && Object.keys(property).length === 0;
}

function formSchema(json: JsonSchema): JsonSchema {
  const properties = json.properties as Record<string, JsonSchema> | undefined;
  if (properties === undefined) return json;
  const out: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(properties)) out[name] = isFile(property) ? { ...BINARY } : property;
  return { ...json, properties: out };
}

function requiredCount(json: JsonSchema): number {
  return Array.isArray(json.required) ? json.required.length : 0;
}

function withoutFiles(json: JsonSchema): JsonSchema {
  const properties = json.properties as Record<string, JsonSchema> | undefined;
  if (properties === undefined) return json;
  const out: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(properties)) if (property.format !== "binary") out[name] = property;
  const required = Array.isArray(json.required) ? (json.required as string[]).filter((n) => n in out) : undefined;
  return { ...json, properties: out, ...(required === undefined ? {} : { required }) };
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
