export type { Infer, RouteSchemas, StandardSchemaV1 } from "./types.js";
export { type IssueOut, issuesOut, type Source, validate, validationError } from "./validate.js";
