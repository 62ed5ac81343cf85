/**
 * Response schemas, compiled once at start-up: each schema a route declares (its `response`,
 * and any `responses` entry with a schema) becomes JSON Schema, and fast-json-stringify turns
 * that into a serializer that writes exactly the declared shape. Undeclared properties are
 * dropped at any depth while the body is written, with no separate filtering pass, so an extra
 * field on a returned object never reaches the client. Routes without a schema keep
 * `JSON.stringify` and pay nothing.
 *
 * fast-json-stringify throws when a required property is missing or a number cannot be
 * converted, but coerces other mismatches (a number where a string is declared is sent as
 * a string, 1.5 for an integer is truncated). `validateResponses` closes that gap by running
 * the schema's own validator on every body first, at the cost of one validation per response.
 * Either way a misfit is reported with the path of the bad field: the validator runs on the
 * failing body to find it, so the happy path never pays for it.
 */
import { createRequire } from "node:module";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type FastJson from "fast-json-stringify";
import { ConfigurationError } from "../errors/index.js";
import { declaredNames, prototypesUnchanged, rememberRecords } from "./frozen-records.js";

/**
 * fast-json-stringify (and the ajv it brings, most of the modules the framework loads) is
 * loaded by the first route that declares a response schema: an app without one starts
 * without it.
 */
let fastJson: typeof FastJson | undefined;
function loadFastJson(): typeof FastJson {
  fastJson ??= createRequire(import.meta.url)("fast-json-stringify") as typeof FastJson;
  return fastJson;
}

export type Serialize = (value: unknown) => string;

/** The serializer of the schema declared for a status, or null when none is: then the body is sent as it is. */
export type SerializerFor = (status: number) => Serialize | null;

/** A body that does not fit the route's response schema: logged, answered with a 500. */
export class ResponseSchemaError extends Error {
  /** The route: `GET /heroes/ (HeroController.listHeroes)`. */
  readonly route: string;
  /** What does not fit, with the field's path when the validator can name it: `at [3].name: …`. */
  readonly reason: string;

  constructor(route: string, reason: string) {
    super(`response of ${route} does not fit its response schema: ${reason}`);
    this.name = "ResponseSchemaError";
    this.route = route;
    this.reason = reason;
  }
}

type Convert = (options: { target: string; libraryOptions?: Record<string, unknown> }) => Record<string, unknown>;

/** The schema's JSON Schema (draft-07, fast-json-stringify's dialect), or null when it has none. */
function jsonSchemaOf(schema: StandardSchemaV1): Record<string, unknown> | null {
  const json = (schema["~standard"] as { jsonSchema?: { output?: unknown } }).jsonSchema;
  if (typeof json !== "object" || json === null || typeof json.output !== "function") return null;
  const convert = json.output as Convert;
  try {
    return convert({ target: "draft-07" });
  } catch {
    // Types JSON cannot express (dates) are left open ({}), serialized as JSON.stringify would.
    try {
      return convert({ target: "draft-07", libraryOptions: { unrepresentable: "any" } });
    } catch {
      return null;
    }
  }
}

function pathOf(issue: StandardSchemaV1.Issue): string {
  const parts = (issue.path ?? []).map((seg) => {
    const key = typeof seg === "object" ? seg.key : seg;
    return typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  });
  return parts.length === 0 ? "(the body)" : parts.join("").replace(/^\./, "");
}

/** The validator's first complaint about `value`, with its path; null when it finds none. */
function firstIssue(standard: StandardSchemaV1["~standard"], value: unknown): string | null {
  const result = standard.validate(value);
  if (result instanceof Promise) return "asynchronous schemas cannot check responses";
  const issue = result.issues?.[0];
  return issue === undefined ? null : `at ${pathOf(issue)}: ${issue.message}`;
}

/** fast-json-stringify's serializer of a JSON Schema. */
function compileJson(schema: Record<string, unknown>): Serialize {
  // "native" projects the value and lets the engine's JSON.stringify fast path write it (V8 13.8,
  // Node.js 25+); older engines ignore it and keep the generated code.
  return loadFastJson()(schema as unknown as Parameters<typeof FastJson>[0], { objectMechanism: "native" });
}

/** Keywords that make fast-json-stringify choose how to write a value at run time. */
const DISPATCH = ["anyOf", "oneOf", "allOf", "if", "const", "nullable", "enum"];

/** The schema a local `$ref` (`#/definitions/Hero`, `#/$defs/Hero`) names, the schema itself without one; null when it cannot tell. */
function resolved(root: Record<string, unknown>, schema: unknown): Record<string, unknown> | null {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return null;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (ref === undefined) return schema as Record<string, unknown>;
  const match = typeof ref === "string" ? /^#\/(definitions|\$defs)\/([^/~]+)$/.exec(ref) : null;
  // fast-json-stringify, like draft-07, ignores what sits next to a `$ref`.
  if (match === null) return null;
  const table = root[match[1] as string] as Record<string, unknown> | undefined;
  const target = table?.[match[2] as string];
  return typeof target === "object" && target !== null && !("$ref" in target) ? (target as Record<string, unknown>) : null;
}

/** An object schema written the same way whatever the value: its records can be remembered. */
function isFixedObjectSchema(schema: Record<string, unknown> | null): boolean {
  return schema !== null && schema.type === "object" && !DISPATCH.some((key) => key in schema);
}

/**
 * `stringify` with frozen records serialized once (see frozen-records.ts) where the body is one
 * record (an object schema) or an array of them; other bodies keep `stringify` alone. For an
 * array, the items are written by the item schema's own serializer, joined as
 * fast-json-stringify joins them; anything but an array goes to `stringify` as before.
 */
function withFrozenRecords(body: Record<string, unknown>, stringify: Serialize): Serialize {
  const root = resolved(body, body);
  if (root === null) return stringify;
  const unchanged = prototypesUnchanged(declaredNames(body));
  if (isFixedObjectSchema(root)) return rememberRecords(stringify, unchanged).one;
  const items = root.items;
  const shape = resolved(body, items);
  if (root.type !== "array" || DISPATCH.some((key) => key in root) || "additionalItems" in root || !isFixedObjectSchema(shape))
    return stringify;
  const { definitions, $defs } = body;
  const itemSchema = {
    ...(definitions === undefined ? {} : { definitions }),
    ...($defs === undefined ? {} : { $defs }),
    ...(items as object),
  };
  const { cached } = rememberRecords(compileJson(itemSchema), unchanged);
  return (value) => {
    if (!Array.isArray(value) || !unchanged()) return stringify(value);
    const length = value.length;
    let json = "[";
    for (let i = 0; i < length; i++) {
      if (i > 0) json += ",";
      json += cached(value[i]);
    }
    return `${json}]`;
  };
}

export interface SerializerInput {
  schema: StandardSchemaV1;
  /** The route, named in errors: `GET /heroes/ (HeroController.listHeroes)`. */
  label: string;
  /** Check each body with the schema's validator before serializing. */
  validate: boolean;
  /** Start-up warnings (a schema with no JSON Schema form). */
  warn: (message: string) => void;
}

/** The schema's serializer; null when the schema has no JSON Schema form (then JSON.stringify). */
export function compileSerializer({ schema, label, validate, warn }: SerializerInput): Serialize | null {
  const json = jsonSchemaOf(schema);
  if (json === null) {
    warn(`${label}: the response schema has no JSON Schema form, so its body is sent unfiltered with JSON.stringify`);
    return null;
  }
  const { $schema: _dialect, ...body } = json;
  const stringify = withFrozenRecords(body, compileJson(body));
  const standard = schema["~standard"];
  const write: Serialize = (value) => {
    try {
      return stringify(value);
    } catch (err) {
      // Only a failing body pays for the validator, which names the field the serializer could not.
      throw new ResponseSchemaError(label, firstIssue(standard, value) ?? (err instanceof Error ? err.message : String(err)));
    }
  };
  if (!validate) return write;
  return (value) => {
    const issue = firstIssue(standard, value);
    if (issue !== null) throw new ResponseSchemaError(label, issue);
    return write(value);
  };
}

/** The schema an entry of a route's `responses` declares (the schema itself or `{ schema }`), or null. */
export function entrySchema(entry: unknown): StandardSchemaV1 | null {
  if (typeof entry !== "object" || entry === null) return null;
  if ("~standard" in entry) return entry as StandardSchemaV1;
  const schema = (entry as { schema?: unknown }).schema;
  return typeof schema === "object" && schema !== null && "~standard" in schema ? (schema as StandardSchemaV1) : null;
}

export interface ResponseSchemasInput extends Omit<SerializerInput, "schema"> {
  /** The route's `response`: the body sent with the route's own status. */
  response: StandardSchemaV1 | undefined;
  /** The route's status, the one a plain returned value is sent with. */
  status: number;
  /** The route's `responses`, keyed by status (`404`), range (`"4XX"`) or `"default"`. */
  responses: Readonly<Record<string, unknown>> | undefined;
}

export interface ResponseSerializers {
  /** For a plain returned value (the route's status), or null: JSON.stringify. */
  serialize: Serialize | null;
  /** For a reply or a stream, by its status; null when the route declares no schema at all. */
  serializers: SerializerFor | null;
}

/**
 * Every schema of a route, compiled once. A status is governed by the most specific entry:
 * the route's own status by `response`, then the exact status, its range, `"default"`. An
 * entry without a schema (a description) governs its status too: that body is sent as it is.
 */
export function compileResponseSerializers(input: ResponseSchemasInput): ResponseSerializers {
  const { response, status, responses = {}, ...rest } = input;
  const own = responses[String(status)];
  const ownSchema = entrySchema(own);
  if (response !== undefined && ownSchema !== null && ownSchema !== response) {
    throw new ConfigurationError(
      `${rest.label} declares two schemas for status ${status}: \`response\` and \`responses[${status}]\`. Keep one of them.`,
    );
  }
  const byKey = new Map<string, Serialize | null>();
  const compiled = new Map<StandardSchemaV1, Serialize | null>();
  const serializerOf = (schema: StandardSchemaV1 | null): Serialize | null => {
    if (schema === null) return null;
    if (!compiled.has(schema)) compiled.set(schema, compileSerializer({ schema, ...rest }));
    return compiled.get(schema) ?? null;
  };
  for (const [key, entry] of Object.entries(responses)) byKey.set(key, serializerOf(entrySchema(entry)));
  if (response !== undefined) byKey.set(String(status), serializerOf(response));
  if (compiled.size === 0) return { serialize: null, serializers: null };
  const serializers: SerializerFor = (code) => {
    const exact = byKey.get(String(code));
    if (exact !== undefined) return exact;
    const range = byKey.get(`${Math.floor(code / 100)}XX`);
    return range !== undefined ? range : (byKey.get("default") ?? null);
  };
  return { serialize: serializers(status), serializers };
}
