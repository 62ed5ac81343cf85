/**
 * Runs Standard Schema validators and turns their issues into the 422 envelope. Any
 * validator that implements the spec works (zod 4, valibot, arktype).
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ExtractorError, ExtractorFieldError, type HttpError } from "../errors/index.js";

export interface IssueOut {
  path: (string | number)[];
  message: string;
  code: string;
}

export type Source = "body" | "path" | "query" | "header" | "cookie" | "form";

const LABEL: Record<Source, string> = {
  body: "body",
  path: "path parameter",
  query: "query parameter",
  header: "header",
  cookie: "cookie",
  form: "form field",
};

function segment(seg: PropertyKey | StandardSchemaV1.PathSegment): string | number {
  const key = typeof seg === "object" ? seg.key : seg;
  return typeof key === "symbol" ? String(key) : key;
}

export function issuesOut(issues: readonly StandardSchemaV1.Issue[]): IssueOut[] {
  return issues.map((issue) => {
    const code = (issue as { code?: unknown }).code;
    return { path: (issue.path ?? []).map(segment), message: issue.message, code: typeof code === "string" ? code : "invalid" };
  });
}

/** Builds the client-facing error for failed validation of one source. */
export function validationError(source: Source, issues: readonly StandardSchemaV1.Issue[], input: unknown): HttpError {
  const errors = issuesOut(issues);
  if (source === "body") {
    return new ExtractorError("Validation failed for field 'body'", { field: "body", errors });
  }
  const first = errors[0];
  const field = first !== undefined && first.path.length > 0 ? String(first.path[0]) : source;
  const present = typeof input === "object" && input !== null && (input as Record<string, unknown>)[field] !== undefined;
  const message =
    first === undefined
      ? `invalid ${LABEL[source]}s`
      : field === source
        ? `invalid ${LABEL[source]}s: ${first.message}`
        : present
          ? `invalid ${LABEL[source]} '${field}': ${first.message}`
          : `missing ${LABEL[source]} '${field}'`;
  return new ExtractorFieldError(message, { field, source, errors });
}

/** Validates `input`; returns the parsed value (or a promise of it) and throws the 422. */
export function validate(schema: StandardSchemaV1, source: Source, input: unknown): unknown {
  const result = schema["~standard"].validate(input);
  if (result instanceof Promise) return result.then((r) => unwrap(r, source, input));
  return unwrap(result, source, input);
}

function unwrap(result: StandardSchemaV1.Result<unknown>, source: Source, input: unknown): unknown {
  if (result.issues !== undefined) throw validationError(source, result.issues, input);
  return result.value;
}
