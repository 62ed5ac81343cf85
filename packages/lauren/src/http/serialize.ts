/**
 * Response schemas, compiled once at start-up: the route's schema becomes JSON Schema and
 * fast-json-stringify turns that into a serializer that writes exactly the declared shape.
 * Undeclared properties are dropped at any depth, so an extra field on a returned object
 * never reaches the client. Routes without a schema keep `JSON.stringify` and pay nothing.
 *
 * fast-json-stringify throws when a required property is missing or a number cannot be
 * converted, but coerces other mismatches (a number where a string is declared is sent as
 * a string, 1.5 for an integer is truncated). `validateResponses` closes that gap by running
 * the schema's own validator on every body first, at the cost of one validation per response.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import fastJson from "fast-json-stringify";

export type Serialize = (value: unknown) => string;

/** A body that does not fit the route's response schema: logged, answered with a 500. */
export class ResponseSchemaError extends Error {
  constructor(route: string, reason: string) {
    super(`response of ${route} does not fit its response schema: ${reason}`);
    this.name = "ResponseSchemaError";
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

export interface SerializerInput {
  schema: StandardSchemaV1;
  /** The route, named in errors: `GET /heroes/ (HeroController.listHeroes)`. */
  label: string;
  /** Check each body with the schema's validator before serializing. */
  validate: boolean;
  /** Start-up warnings (a schema with no JSON Schema form). */
  warn: (message: string) => void;
}

/** The route's serializer; null when the schema has no JSON Schema form (then JSON.stringify). */
export function compileSerializer({ schema, label, validate, warn }: SerializerInput): Serialize | null {
  const json = jsonSchemaOf(schema);
  if (json === null) {
    warn(`${label}: the response schema has no JSON Schema form, so its body is sent unfiltered with JSON.stringify`);
    return null;
  }
  const { $schema: _dialect, ...body } = json;
  const stringify = fastJson(body as unknown as Parameters<typeof fastJson>[0]);
  const write: Serialize = (value) => {
    try {
      return stringify(value);
    } catch (err) {
      throw new ResponseSchemaError(label, err instanceof Error ? err.message : String(err));
    }
  };
  if (!validate) return write;
  const standard = schema["~standard"];
  return (value) => {
    const result = standard.validate(value);
    if (result instanceof Promise) throw new ResponseSchemaError(label, "asynchronous schemas cannot check responses");
    const issue = result.issues?.[0];
    if (issue !== undefined) throw new ResponseSchemaError(label, `at ${pathOf(issue)}: ${issue.message}`);
    return write(value);
  };
}
