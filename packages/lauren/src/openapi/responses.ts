/**
 * What a route can answer: its success status (the route's `status`, 204 when it returns
 * nothing) and every error envelope it and its guards can produce, worked out from the same
 * compiled record the dispatcher runs, so the document cannot promise what dispatch skips.
 */
import { STATUS_CODES } from "node:http";
import type { CompiledRoute } from "../app/compile-routes.js";
import {
  ConfigurationError,
  ExtractorError,
  ExtractorFieldError,
  ForbiddenError,
  type HttpErrorClass,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from "../errors/index.js";
import { CrossOriginRequestError, CsrfTokenError, SessionStoreUnavailableError } from "../sessions/index.js";
import type { StandardSchemaV1 } from "../validation/index.js";
import { isResponseKind, type ResponseKind } from "./kinds.js";
import { COMPONENTS, type SchemaLabel, type SchemaRegistry } from "./schema.js";
import type { JsonSchema, OpenApiResponse, ResponseDoc } from "./types.js";

/** `{"error":{"code","message","detail"}}`, the one body every error response has. */
export const ERROR_ENVELOPE: JsonSchema = {
  type: "object",
  description: "The body of every error response.",
  properties: {
    error: {
      type: "object",
      properties: {
        code: { type: "string", description: "Stable, machine-readable error code." },
        message: { type: "string", description: "Human-readable explanation." },
        detail: { type: "object", additionalProperties: true, description: "Structured context; always present." },
      },
      required: ["code", "message", "detail"],
    },
  },
  required: ["error"],
};

function reason(status: number): string {
  return STATUS_CODES[status] ?? `Status ${status}`;
}

function isErrorClass(value: unknown): value is HttpErrorClass {
  if (typeof value !== "function") return false;
  const cls = value as unknown as Record<string, unknown>;
  return typeof cls.status === "number" && typeof cls.code === "string";
}

function checked(list: unknown, owner: string, label: string): HttpErrorClass[] {
  if (list === undefined) return [];
  const items = Array.isArray(list) ? list : [list];
  for (const item of items) {
    if (!isErrorClass(item)) {
      throw new ConfigurationError(
        `${owner} lists ${String((item as { name?: unknown })?.name ?? item)} in raises (${label}), but it is not an HttpError ` +
          "subclass with a static status and code. List error classes only: raises: [HeroNotFoundError].",
      );
    }
  }
  return items as HttpErrorClass[];
}

/** Every error class the route can answer with: its own, its guards', then the framework's. */
export function errorClasses(route: CompiledRoute): HttpErrorClass[] {
  const label = route.contextRoute.label;
  const out = checked(route.options.raises, label, label);
  for (const guard of route.guards ?? []) {
    const cls = guard.cls ?? (guard.instance as { constructor?: unknown } | null)?.constructor;
    out.push(...checked((cls as { raises?: unknown } | undefined)?.raises, `guard ${guard.name}`, label));
  }
  // The dispatcher answers these itself; see app/dispatch.ts and http/json-body.ts.
  if (route.guards !== null) out.push(ForbiddenError);
  if (route.params !== null || route.query !== null || route.headers !== null) out.push(ExtractorFieldError);
  if (route.cookies !== null) out.push(ExtractorFieldError);
  if (route.body !== null || route.form !== null)
    out.push(ExtractorError, ExtractorFieldError, PayloadTooLargeError, UnsupportedMediaTypeError);
  // Unsafe session routes: the cross-origin check and, when turned on, the synchronizer token.
  if (route.crossOrigin !== null) out.push(CrossOriginRequestError);
  if (route.csrf !== null) out.push(CsrfTokenError);
  if (route.sessions) out.push(SessionStoreUnavailableError);
  return out;
}

/** One response per status; several codes sharing a status are listed together. */
export function errorResponses(route: CompiledRoute): Record<string, OpenApiResponse> {
  const byStatus = new Map<number, string[]>();
  for (const cls of errorClasses(route)) {
    const codes = byStatus.get(cls.status) ?? [];
    if (!codes.includes(cls.code)) codes.push(cls.code);
    byStatus.set(cls.status, codes);
  }
  const out: Record<string, OpenApiResponse> = {};
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: `${reason(status)}. Error code${codes.length > 1 ? "s" : ""}: ${codes.map((c) => `\`${c}\``).join(", ")}.`,
      content: {
        "application/json": {
          schema: {
            allOf: [
              { $ref: `${COMPONENTS}ErrorEnvelope` },
              { type: "object", properties: { error: { type: "object", properties: { code: { enum: codes } } } } },
            ],
          },
        },
      },
    };
  }
  return out;
}

/** True when a schema accepts `undefined` but not an object: `z.void()`, `z.undefined()`. */
function describesNothing(schema: StandardSchemaV1 | undefined): boolean {
  if (schema === undefined) return false;
  const validate = schema["~standard"].validate;
  const none = validate(undefined);
  const some = validate({});
  if (none instanceof Promise || some instanceof Promise) return false;
  return none.issues === undefined && some.issues !== undefined;
}

const BINARY: JsonSchema = { type: "string", format: "binary" };
const JSON_TYPE = /^application\/(?:[^;]*\+)?json\b/i;
const TEXT_TYPE = /^(?:text\/|application\/(?:x-ndjson|javascript|xml)\b|[^;]*\+xml\b|image\/svg\+xml\b)/i;
const NDJSON_LINE = "Newline-delimited JSON: one value of this schema per line.";

/** The body of a media type that is not JSON: text as a string, anything else as binary. */
function plainBody(type: string): JsonSchema {
  return TEXT_TYPE.test(type) ? { type: "string" } : { ...BINARY };
}

/** An async generator method streams what it yields: the dispatcher sends it as bytes. */
function isStreamingHandler(route: CompiledRoute): boolean {
  return route.handler.constructor.name === "AsyncGeneratorFunction";
}

/**
 * The success response. A handler that returns nothing gets 204 (or its route's status with
 * an empty body), exactly as the dispatcher answers; without a `response` schema the body is
 * documented as any JSON value. A route declared a file or a stream (`fileOf()`, `ndjsonOf()`,
 * `streamOf()`) gets its media types, and a file its 206, 304 and 416 answers.
 */
export function successResponses(route: CompiledRoute, registry: SchemaRegistry, label: SchemaLabel): Record<string, OpenApiResponse> {
  const { response } = route.options;
  if (isResponseKind(response)) return streamedResponses(route, response, registry, label);
  const status = route.status;
  const out: Record<string, OpenApiResponse> = {};
  const nothing = describesNothing(response);
  const schema = response === undefined ? {} : registry.convert(response, "output", nothing ? { ...label, quiet: true } : label);
  const optional = nothing && Object.keys(schema).length > 0;
  if (status === 204 || (nothing && !optional)) {
    const empty = status === 200 ? 204 : status;
    out[String(empty)] = { description: reason(empty) };
    return out;
  }
  const { produces } = route.options;
  const types = produces === undefined ? [isStreamingHandler(route) ? "application/octet-stream" : "application/json"] : [produces].flat();
  const content: Record<string, { schema: JsonSchema }> = {};
  for (const type of types) content[type] = { schema: JSON_TYPE.test(type) || response !== undefined ? schema : plainBody(type) };
  out[String(status)] = { description: reason(status), content };
  // `z.optional(HeroOut)`: the handler may also return nothing.
  if (optional && status === 200) out["204"] = { description: reason(204) };
  return out;
}

/** A file (with its conditional and range answers), NDJSON or another stream. */
function streamedResponses(
  route: CompiledRoute,
  declared: ResponseKind,
  registry: SchemaRegistry,
  label: SchemaLabel,
): Record<string, OpenApiResponse> {
  const status = String(route.status);
  if (declared.kind === "ndjson") {
    const item = declared.item === null ? null : registry.convert(declared.item, "output", label);
    const schema: JsonSchema =
      item === null
        ? { type: "string", description: "Newline-delimited JSON: one value per line." }
        : { ...item, description: NDJSON_LINE };
    return { [status]: { description: reason(route.status), content: { "application/x-ndjson": { schema } } } };
  }
  const content: Record<string, { schema: JsonSchema }> = {};
  for (const type of declared.types) content[type] = { schema: plainBody(type) };
  if (declared.kind === "stream") return { [status]: { description: reason(route.status), content } };
  const text = (description: string) => ({ description, schema: { type: "string" } });
  return {
    [status]: {
      description: reason(route.status),
      headers: {
        ETag: text("Validator to send back in If-None-Match."),
        "Last-Modified": text("When the file last changed, when known."),
        "Accept-Ranges": text("`bytes`: a single Range request is answered 206."),
      },
      content,
    },
    "206": {
      description: `${reason(206)}: the bytes of the one range asked for.`,
      headers: { "Content-Range": text("`bytes start-end/size`.") },
      content,
    },
    "304": { description: `${reason(304)}: the copy named by If-None-Match or If-Modified-Since is current.` },
    "416": { description: `${reason(416)}: the range lies outside the file.`, headers: { "Content-Range": text("`bytes */size`.") } },
  };
}

const STATUS_KEY = /^(?:[1-5]\d\d|[1-5]XX|default)$/;

/** The description of an entry given as a bare schema: the reason phrase of its key. */
function keyReason(key: string): string {
  if (key === "default") return "Any other status";
  return key.endsWith("XX") ? `Any ${key} status` : reason(Number(key));
}

/**
 * The route's `responses` option: what the handler answers by hand. Each entry replaces what
 * the generator would have said for that status, since the author knows the handler best.
 */
export function declaredResponses(route: CompiledRoute, registry: SchemaRegistry, label: SchemaLabel): Record<string, OpenApiResponse> {
  const out: Record<string, OpenApiResponse> = {};
  for (const [status, entry] of Object.entries(route.options.responses ?? {})) {
    if (!STATUS_KEY.test(status)) {
      throw new ConfigurationError(
        `${route.contextRoute.label} documents a response under ${JSON.stringify(status)}; use a status (404), a range ("4XX") or "default".`,
      );
    }
    const doc: ResponseDoc =
      typeof entry === "string" ? { description: entry } : "~standard" in entry ? { description: keyReason(status), schema: entry } : entry;
    if (typeof doc.description !== "string" || doc.description.length === 0) {
      throw new ConfigurationError(`${route.contextRoute.label} documents its ${status} response without a description.`);
    }
    const media = doc.mediaType ?? "application/json";
    out[status] =
      doc.schema === undefined && doc.mediaType === undefined
        ? { description: doc.description }
        : {
            description: doc.description,
            content: {
              [media]: {
                schema:
                  doc.schema === undefined ? {} : registry.convert(doc.schema, "output", { ...label, hint: `${label.hint}_${status}` }),
              },
            },
          };
  }
  return out;
}

/**
 * An operation that can answer no client error of its own still says what one would look
 * like (middleware may refuse any request), so clients know the shape of every 4xx body.
 */
export function clientErrorFallback(responses: Record<string, OpenApiResponse>): Record<string, OpenApiResponse> {
  if (Object.keys(responses).some((status) => status.startsWith("4"))) return {};
  return {
    "4XX": {
      description:
        "No client error is expected from this operation; should one occur (from middleware, say), its body is the error envelope.",
      content: { "application/json": { schema: { $ref: `${COMPONENTS}ErrorEnvelope` } } },
    },
  };
}
