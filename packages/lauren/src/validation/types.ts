import type { StandardSchemaV1 } from "@standard-schema/spec";

export type { StandardSchemaV1 };

/** The schemas a route may declare; each is any Standard Schema validator (zod, valibot, arktype…). */
export interface RouteSchemas {
  body?: StandardSchemaV1;
  params?: StandardSchemaV1;
  query?: StandardSchemaV1;
  headers?: StandardSchemaV1;
  /** Request cookies, by name (values after signature checks for `signedCookies`). */
  cookies?: StandardSchemaV1;
  /** An `application/x-www-form-urlencoded` or `multipart/form-data` body; files arrive as `UploadedFile`. */
  form?: StandardSchemaV1;
}

/** The parsed type a schema produces, or `Fallback` when the route declares none. */
export type Infer<S, Fallback> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : Fallback;
