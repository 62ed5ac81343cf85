export { buildDocument, type DocumentOptions, openApiDocument } from "./document.js";
export { mountOpenApi } from "./mount.js";
export type {
  JsonSchema,
  OpenApiDocument,
  OpenApiMediaType,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiPathItem,
  OpenApiRequestBody,
  OpenApiResponse,
} from "./types.js";
