import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { HttpErrorClass } from "../errors/index.js";
import type { UploadLimits } from "../forms/index.js";
import type { CompressionOptions } from "../http/compress.js";
import type { Ctx } from "../http/context.js";
import type { HttpResponse, Reply } from "../http/reply.js";
import type { NdjsonResponse } from "../http/stream.js";
import { methodMetaFrom } from "../metadata/index.js";
import type { NdjsonResponseKind, ResponseKind } from "../openapi/kinds.js";
import type { ResponseDocs, SecurityDeclaration } from "../openapi/types.js";
import type { RouteSchemas } from "../validation/types.js";
import { ROUTE } from "./kinds.js";
import { assertCalled, assertKind, type DecoratorMisuse } from "./usage.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteOptions extends RouteSchemas {
  /** Status for a plain returned value (201 for a create). Defaults to 200. */
  status?: number;
  /** `false` skips session load and persist (health checks, public assets). */
  sessions?: boolean;
  /** `false` skips cross-origin request protection (on by default for unsafe methods of session routes). */
  crossOrigin?: boolean;
  /** Cookies whose signature (`setCookie(…, { signed: true })`) is checked before `cookies` validation. */
  signedCookies?: readonly string[];
  /** Upload limits for this route's `form`, over the app's `uploads` defaults. */
  limits?: UploadLimits;
  /** gzip/brotli for this route (`true`, or options); `false` turns the app's default off here. */
  compress?: boolean | CompressionOptions;
  /** Errors the handler may throw, documented in OpenAPI with their status and code. */
  raises?: readonly HttpErrorClass[];
  /**
   * Schema of the success body: it filters what is sent and documents it in OpenAPI. For a body
   * that is not one JSON value, what it is instead: `fileOf("image/png")`, `ndjsonOf(HeroOut)`,
   * `streamOf("text/csv")`.
   */
  response?: StandardSchemaV1 | ResponseKind;
  /**
   * Media types of the success body, for OpenAPI, when `response` cannot say:
   * `"text/event-stream"` for an EventStream. Default JSON (a generator method: a byte stream).
   */
  produces?: string | readonly string[];
  /** One line for the OpenAPI operation; default: the handler's name in words ("List heroes"). */
  summary?: string;
  /** Longer OpenAPI text (Markdown); none when left out. */
  description?: string;
  tags?: readonly string[];
  /** Marks the operation deprecated in OpenAPI. */
  deprecated?: boolean;
  /** The OpenAPI operationId; default `Controller_handler`. Must be unique in the app. */
  operationId?: string;
  /** Responses the handler produces by hand, by status: `{ 304: "Not modified" }`. */
  responses?: ResponseDocs;
  /**
   * Security the handler checks itself (its guards declare theirs): scheme names declared in
   * `openapiSecuritySchemes`; a list offers alternatives. Added to the controller's.
   */
  security?: SecurityDeclaration;
  /** Leave the route out of the OpenAPI document. */
  hidden?: boolean;
}

export interface RouteMeta {
  method: HttpMethod;
  path: string;
  options: RouteOptions;
}

/** The route's status for a plain returned value (200 unless `status` says otherwise). */
type StatusOf<O> = O extends { readonly status: infer S extends number } ? S : 200;

/** The most specific `responses` entry for status S (exact, range, "default"), or undefined. */
type EntryAt<O, S extends number> = O extends { readonly responses: infer D }
  ? S extends keyof D
    ? D[S]
    : `${S}` extends `${infer C extends "1" | "2" | "3" | "4" | "5"}${string}`
      ? `${C}XX` extends keyof D
        ? D[`${C}XX`]
        : "default" extends keyof D
          ? D["default"]
          : undefined
      : undefined
  : undefined;

/** The schema of a `responses` entry: the entry itself or its `schema`; never for a description. */
type EntrySchema<E> = E extends StandardSchemaV1 ? E : E extends { readonly schema: infer S extends StandardSchemaV1 } ? S : never;

/** The schema governing a body sent with status S: the route's `response` for its own status, else its `responses`. */
type SchemaAt<O, S extends number> = [S] extends [StatusOf<O>]
  ? O extends { readonly response: infer R extends StandardSchemaV1 }
    ? R
    : O extends { readonly response: NdjsonResponseKind<infer L extends StandardSchemaV1> }
      ? L
      : EntrySchema<EntryAt<O, S>>
  : EntrySchema<EntryAt<O, S>>;

/** `V`, or what it must be when a schema governs status S (a status only known at run time is not checked). */
type Governed<O, S extends number, V, Fit> = number extends S ? V : [SchemaAt<O, S>] extends [never] ? V : Fit;

/** One possible returned value, checked against the schema that will write it. */
type CheckOne<O, V> =
  V extends Reply<unknown, infer S>
    ? Governed<O, S, V, Reply<StandardSchemaV1.InferOutput<SchemaAt<O, S>>, S>>
    : V extends NdjsonResponse<unknown, infer S>
      ? Governed<O, S, V, NdjsonResponse<StandardSchemaV1.InferOutput<SchemaAt<O, S>>, S>>
      : V extends HttpResponse
        ? V
        : O extends { readonly response: ResponseKind }
          ? StreamedReturn
          : Governed<O, StatusOf<O>, V, StandardSchemaV1.InferOutput<SchemaAt<O, StatusOf<O>>>>;

/**
 * What a handler returning R may return on a route with options O: each possible value as it
 * is, except where a schema governs its status. Then a plain value (sent with the route's
 * status), a `reply()` body and each `ndjson()` item must be of that schema's output type
 * (extra properties allowed: the serializer drops them). Other responses (files, streams,
 * events) pass; so does a reply whose status is only known at run time. A route declared a
 * file or a stream (`fileOf()`…) returns a response, bytes or a stream, not a JSON value.
 */
export type RouteReturn<O, R> = R extends PromiseLike<infer V> ? Promise<CheckOne<O, V>> : CheckOne<O, R>;

/** What a route declared as a file or a stream may return: a response, bytes, or a stream to pipe. */
type StreamedReturn = HttpResponse | Uint8Array | AsyncIterable<unknown>;

/**
 * The decorator's parameter type ties the handler to the route's schemas: a handler whose
 * context type disagrees with `options` is not assignable, so it does not compile.
 */
export type RouteDecorator<O extends RouteOptions> = <This, R>(
  target: (this: This, ctx: Ctx<O>) => NoInfer<RouteReturn<O, R>>,
  context: ClassMethodDecoratorContext<This, (this: This, ctx: Ctx<O>) => R>,
) => void;

/** A verb decorator factory: `@get("/path", options)`. */
export interface RouteFactory<Name extends string> {
  /** Used bare (`@get`), it is called with the method itself: the compiler then quotes the fix. */
  (
    target: (...args: never[]) => unknown,
    context: ClassMethodDecoratorContext,
  ): DecoratorMisuse<`@${Name} needs parentheses: write @${Name}("/path")`>;
  <const O extends RouteOptions = {}>(path?: string, options?: O): RouteDecorator<NoInfer<O>>;
}

function route<Name extends string>(method: HttpMethod, _name: Name): RouteFactory<Name> {
  const name = method.toLowerCase();
  const factory = <const O extends RouteOptions = {}>(path = "/", options?: O): RouteDecorator<NoInfer<O>> => {
    assertCalled(name, path, options, `@${name}("/path")`);
    return (_target, context) => {
      assertKind(name, context, ["method"]);
      const meta = methodMetaFrom(context.metadata, context.name);
      // Stacked verb decorators (`@get("/a") @head…`) each add a route to the same method.
      // Decorators run bottom-up, so unshift keeps the list in source order.
      const routes = (meta.kinds.get(ROUTE) as RouteMeta[] | undefined) ?? [];
      meta.kinds.set(ROUTE, [{ method, path, options: options ?? {} } satisfies RouteMeta, ...routes]);
    };
  };
  // The bare-use overload exists for the compiler's message only; assertCalled throws for it.
  return factory as RouteFactory<Name>;
}

export const get = route("GET", "get");
export const post = route("POST", "post");
export const put = route("PUT", "put");
export const patch = route("PATCH", "patch");
/** `delete` is a keyword, so the decorator is exported as `del` and as `delete` by name. */
export const del = route("DELETE", "del");
