import type { CookieSettings } from "../cookies/index.js";
import type { Provider } from "../di/providers.js";
import { ConfigurationError } from "../errors/index.js";
import type { UploadLimits } from "../forms/index.js";
import type { GuardLike } from "../guards/types.js";
import { type CompressionOptions, type CompressionPolicy, compressionPolicy } from "../http/compress.js";
import { DEFAULT_MAX_JSON_DEPTH } from "../http/json-body.js";
import type { Logger, PinoLike } from "../logging/index.js";
import type { OpenApiInfo, OpenApiSecurityScheme, OpenApiServer, OpenApiTag } from "../openapi/types.js";
import type { ExceptionHandlerLike } from "../pipeline/exception-handlers.js";
import type { InterceptorLike } from "../pipeline/interceptors.js";
import type { MiddlewareLike } from "../pipeline/middleware.js";
import type { ErrorFormat } from "../pipeline/problem.js";
import type { BroadcastAdapter } from "../realtime/index.js";
import { compileOriginPolicy, type OriginPolicy } from "../realtime/ws/origin.js";
import type { SessionOptions } from "../sessions/index.js";
import type { StaticFilesOptions } from "../static/index.js";

export type { OpenApiInfo };

export interface LaurenOptions {
  /** Largest request body read, in bytes (413 beyond). Default 1 MiB. */
  maxBodySize?: number;
  /** Guards that run before every route's own guards. */
  globalGuards?: readonly GuardLike[];
  /** Providers visible to every module. */
  globalProviders?: readonly Provider[];
  /** Deepest nesting of arrays and objects accepted in a JSON body or WebSocket frame (422 beyond). Default 128. */
  maxJsonDepth?: number;
  /**
   * Origins whose pages may open the app's WebSockets, besides the app's own host
   * (`["https://hq.example"]`). A browser handshake from any other origin, or with
   * `Origin: null`, is refused with 403; one without Origin (not a browser) is accepted.
   * `"*"` turns the check off. A gateway's own `allowedOrigins` replaces this list.
   */
  wsAllowedOrigins?: readonly string[] | "*";
  /**
   * gzip/brotli for every route's responses (`true` or options); a route's `compress` option
   * overrides it. Off by default: a route without compression never reads Accept-Encoding.
   */
  compression?: boolean | CompressionOptions;
  /**
   * Where framework logs go: a Logger, a pino instance as it is, or `false` to silence them.
   * Default: a console logger following LAUREN_LOG_LEVEL and LAUREN_LOG_FORMAT.
   */
  logger?: Logger | PinoLike | false;
  /** One log line per request (`request completed`, 4xx at warn, 5xx at error). Default false. */
  logRequests?: boolean;
  /** Middleware around every request, routing included (it sees 404s, 405s and preflights); outer first. */
  middleware?: readonly MiddlewareLike[];
  /** Interceptors around every handler (HTTP routes and WebSocket messages); outer first. */
  interceptors?: readonly InterceptorLike[];
  /** Exception handlers for the whole app, consulted after the route's and the controller's. */
  exceptionHandlers?: readonly ExceptionHandlerLike[];
  /** `"problem+json"` answers every error as RFC 9457 problem details. Default: the JSON envelope. */
  errorFormat?: ErrorFormat;
  /** Folders to serve (prefix, directory, caching); routes always win over files. */
  staticFiles?: StaticFilesOptions | readonly StaticFilesOptions[];
  /** Default limits for routes that take forms and uploads; a route's `limits` override them. */
  uploads?: UploadLimits;
  /** Defaults for cookies set with `ctx.setCookie()` and keys for signed cookies. */
  cookies?: CookieSettings;
  /** Turns sessions on; see the sessions guide. */
  sessions?: SessionOptions;
  /**
   * Behind proxies you control: `true` (one proxy) or the number of proxies in front of the
   * app. `request.ip` then reads `X-Forwarded-For` from the right, skipping the entries those
   * proxies appended, so a client cannot pick its own address. Default false.
   */
  trustProxy?: boolean | number;
  /** Serve the OpenAPI document at this path (e.g. "/openapi.json"). */
  openapiUrl?: string | null;
  /** Serve the docs UI at this path (e.g. "/docs"); needs `openapiUrl`. */
  docsUrl?: string | null;
  /** The document's `info`: title, version, description, contact, license, terms. */
  openapiInfo?: OpenApiInfo;
  /** Where the API is served; default one entry, `openapiRootPath` or "/". */
  openapiServers?: readonly OpenApiServer[];
  /** Named schemes that guards (`static security`), controllers and routes refer to. */
  openapiSecuritySchemes?: Readonly<Record<string, OpenApiSecurityScheme>>;
  /** Descriptions (and order) of the tags controllers and routes use. */
  openapiTags?: readonly OpenApiTag[];
  /**
   * The path prefix a reverse proxy strips before requests reach the app ("/api"): the docs
   * pages load the document and assets under it, and it is the default server URL.
   */
  openapiRootPath?: string;
  /** Serve a ReDoc page at this path (e.g. "/redoc"); needs `openapiUrl` and the redoc package. */
  redocUrl?: string | null;
  /** Milliseconds `shutdown()` waits for in-flight requests and tasks. Default 10 000. */
  shutdownTimeout?: number;
  /** Milliseconds each lifecycle hook may take before it is reported and skipped. Default 10 000. */
  hookTimeout?: number;
  /**
   * Runs each route's response schema validator on the value before it is serialized, so a
   * wrong type (1.5 for an integer, a number for a string) is a logged 500 instead of being
   * coerced. Costs one validation per response; turn it on in development and tests.
   * Default false: missing required fields are still caught, undeclared fields still dropped.
   */
  validateResponses?: boolean;
  /** Relays every `BroadcastGroup` singleton to the app's other processes (e.g. Redis pub/sub). */
  broadcast?: BroadcastAdapter;
}

export interface ResolvedOptions {
  maxBodySize: number;
  maxJsonDepth: number;
  wsAllowedOrigins: OriginPolicy;
  /** Number of trusted proxy hops; 0 = ignore X-Forwarded-For. */
  trustProxy: number;
  shutdownTimeout: number;
  hookTimeout: number;
  compression: CompressionPolicy | null;
  errorFormat: ErrorFormat;
  logRequests: boolean;
}

function positiveInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive whole number, got ${String(value)}. Remove it for the default (${fallback}).`);
  }
  return value;
}

function proxyHops(value: boolean | number | undefined): number {
  if (value === undefined || value === false) return 0;
  if (value === true) return 1;
  return positiveInt("trustProxy", value, 1);
}

export function resolveOptions(options: LaurenOptions): ResolvedOptions {
  if (options.docsUrl && !options.openapiUrl) {
    throw new ConfigurationError(`docsUrl ${options.docsUrl} needs the OpenAPI document: set openapiUrl too (e.g. "/openapi.json").`);
  }
  if (options.redocUrl && !options.openapiUrl) {
    throw new ConfigurationError(`redocUrl ${options.redocUrl} needs the OpenAPI document: set openapiUrl too (e.g. "/openapi.json").`);
  }
  return {
    maxBodySize: positiveInt("maxBodySize", options.maxBodySize, 1024 * 1024),
    maxJsonDepth: positiveInt("maxJsonDepth", options.maxJsonDepth, DEFAULT_MAX_JSON_DEPTH),
    wsAllowedOrigins: compileOriginPolicy(options.wsAllowedOrigins, "wsAllowedOrigins") ?? new Set<string>(),
    trustProxy: proxyHops(options.trustProxy),
    shutdownTimeout: positiveInt("shutdownTimeout", options.shutdownTimeout, 10_000),
    hookTimeout: positiveInt("hookTimeout", options.hookTimeout, 10_000),
    compression: options.compression === undefined || options.compression === false ? null : compressionPolicy(options.compression),
    errorFormat: errorFormat(options.errorFormat),
    logRequests: options.logRequests === true,
  };
}

function errorFormat(value: unknown): ErrorFormat {
  if (value === undefined || value === "envelope") return "envelope";
  if (value === "problem+json") return "problem+json";
  throw new ConfigurationError(`errorFormat must be "envelope" or "problem+json", got ${String(value)}.`);
}
