/**
 * The slice of OpenAPI 3.1 that Lauren emits. Typed loosely where JSON Schema is involved:
 * schemas come from whatever validator the app uses, so they stay plain JSON objects.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";

export type JsonSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiMediaType {
  schema: JsonSchema;
}

export interface OpenApiRequestBody {
  required: boolean;
  content: Record<string, OpenApiMediaType>;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, OpenApiMediaType>;
}

/** `{ schemeName: scopes }`; all the schemes of one requirement apply together. */
export type OpenApiSecurityRequirement = Record<string, string[]>;

export interface OpenApiOperation {
  tags?: string[];
  summary?: string;
  description?: string;
  operationId: string;
  parameters?: OpenApiParameter[];
  requestBody?: OpenApiRequestBody;
  responses: Record<string, OpenApiResponse>;
  deprecated?: true;
  /** Any one requirement of the list lets a request in; `[]` marks a public operation. */
  security?: OpenApiSecurityRequirement[];
}

export type OpenApiPathItem = Record<string, OpenApiOperation>;

export interface OpenApiContact {
  name?: string;
  url?: string;
  email?: string;
}

/** `identifier` (an SPDX expression such as "MIT") or `url`, not both. */
export interface OpenApiLicense {
  name: string;
  identifier?: string;
  url?: string;
}

/** The document's `info`: what the API is called, its version, and who stands behind it. */
export interface OpenApiInfo {
  title?: string;
  version?: string;
  summary?: string;
  description?: string;
  termsOfService?: string;
  contact?: OpenApiContact;
  license?: OpenApiLicense;
}

export interface OpenApiServerVariable {
  default: string;
  enum?: string[];
  description?: string;
}

/** A base URL the API is served at: absolute, or relative to where the document was fetched. */
export interface OpenApiServer {
  url: string;
  description?: string;
  variables?: Record<string, OpenApiServerVariable>;
}

export interface OpenApiOAuthFlow {
  authorizationUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  scopes: Record<string, string>;
}

/** How a client proves who it is; declared once on the app, named by guards and routes. */
export type OpenApiSecurityScheme =
  | { type: "apiKey"; name: string; in: "header" | "query" | "cookie"; description?: string }
  | { type: "http"; scheme: string; bearerFormat?: string; description?: string }
  | {
      type: "oauth2";
      flows: {
        implicit?: OpenApiOAuthFlow;
        password?: OpenApiOAuthFlow;
        clientCredentials?: OpenApiOAuthFlow;
        authorizationCode?: OpenApiOAuthFlow;
      };
      description?: string;
    }
  | { type: "openIdConnect"; openIdConnectUrl: string; description?: string }
  | { type: "mutualTLS"; description?: string };

/**
 * What a guard, controller or route says it enforces: a scheme's name, or scheme names with
 * the scopes they need (`{ oauth: ["heroes:write"] }`). A list offers alternatives, any one of
 * which is enough; `[]` enforces nothing.
 */
export type SecurityRequirement = string | Readonly<Record<string, readonly string[]>>;
export type SecurityDeclaration = SecurityRequirement | readonly SecurityRequirement[];

export interface OpenApiTag {
  name: string;
  description?: string;
  externalDocs?: { url: string; description?: string };
}

/** A response a handler produces by hand (`reply(...)`, a stream), documented under its status. */
export interface ResponseDoc {
  description: string;
  /** Schema of the body; leave out for a response without one. */
  schema?: StandardSchemaV1;
  /** Media type of the body. Default `application/json`. */
  mediaType?: string;
}

/**
 * Keyed by status (`404`), range (`"4XX"`) or `"default"`: a description (no body), a schema
 * (described by the status's reason phrase), or both. An entry's schema governs the bodies
 * sent with that status as the route's `response` governs its own: undeclared fields dropped.
 */
export type ResponseDocs = Readonly<Record<number | string, ResponseDoc | string | StandardSchemaV1>>;

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: OpenApiInfo & { title: string; version: string };
  servers: OpenApiServer[];
  tags?: OpenApiTag[];
  paths: Record<string, OpenApiPathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes?: Record<string, OpenApiSecurityScheme>;
  };
}
