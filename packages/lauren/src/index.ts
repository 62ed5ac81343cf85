/**
 * Lauren's public surface. Everything a user imports comes from here ("lauren") or from
 * "lauren/testing"; the folders behind it are internal and may change.
 */
import "./metadata/polyfill.js";

export { type LaurenApplication, type ListenOptions, SERVER_LIMITS } from "./app/application.js";
export { LaurenFactory } from "./app/factory.js";
export type { LaurenOptions } from "./app/options.js";
export { installSignalHandlers } from "./app/signals.js";
export { ConfigModule, type ConfigModuleOptions, type EnvVars, type LoadConfigOptions, loadConfig } from "./config/index.js";

export { CookieConfigError, type CookieOptions, type CookieSettings, type SameSite } from "./cookies/index.js";
export { type ControllerOptions, controller } from "./decorators/controller.js";
export { setMetadata, useGuards } from "./decorators/guards.js";
export { type InjectableOptions, injectable } from "./decorators/injectable.js";
export { postConstruct, preDestruct } from "./decorators/lifecycle.js";
export { type DynamicModule, type ModuleImport, type ModuleOptions, module } from "./decorators/module.js";
export { del, del as delete, get, type HttpMethod, patch, post, put, type RouteOptions } from "./decorators/routes.js";
export {
  type ClassProvider,
  type ExistingProvider,
  type FactoryProvider,
  type InjectionToken,
  type InjectOptions,
  inject,
  type MultiProvider,
  type Provider,
  provide,
  Scope,
  Token,
  type ValueProvider,
} from "./di/index.js";
export {
  AsyncProviderError,
  BadRequestError,
  CircularDependencyError,
  CircularModuleImportError,
  ConfigurationError,
  ConfigValidationError,
  ConflictError,
  ControllerAsProviderError,
  DecoratorUsageError,
  DuplicateProviderError,
  type ErrorDetail,
  ExtractorError,
  ExtractorFieldError,
  ForbiddenError,
  HttpError,
  type HttpErrorClass,
  InjectionContextError,
  InternalServerError,
  InvalidExportError,
  InvalidGuardError,
  InvalidModuleError,
  InvalidRouteError,
  LifecycleError,
  MethodNotAllowedError,
  MissingProviderError,
  NotFoundError,
  PayloadTooLargeError,
  ProviderFactoryError,
  RequestHeaderFieldsTooLargeError,
  RequestTimeoutError,
  RouteConflictError,
  RouteNotFoundError,
  ScopeMismatchError,
  ServiceUnavailableError,
  StartupError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "./errors/index.js";
export type { AppEventName, AppEvents, EventBus, RequestEvent, TaskEvent, TaskFailedEvent } from "./events/index.js";
export { UploadedFile, type UploadLimits } from "./forms/index.js";
export { ExecutionContext, type Guard, type GuardLike } from "./guards/index.js";
export type { CompressionOptions, Encoding } from "./http/compress.js";
export type { AppSession, ClearCookieOptions, Ctx, SessionData } from "./http/context.js";
export { type FileInit, FileResponse, file } from "./http/file.js";
export { type HeaderMap, HttpResponse, Reply, type ReplyInit, type ResponseEnv, redirect, reply } from "./http/reply.js";
export type { LaurenRequest, ParsedQuery } from "./http/request.js";
export { ResponseSchemaError, type SerializerFor } from "./http/serialize.js";
export { NdjsonResponse, ndjson, type StreamChunk, type StreamInit, StreamResponse, type StreamSource, stream } from "./http/stream.js";
export type { BackgroundTasks } from "./http/tasks.js";
export {
  consoleLogger,
  createLogger,
  fromPino,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogSink,
  loggerFromEnv,
  silentLogger,
  withFields,
} from "./logging/index.js";
export { ForwardRef, forwardRef } from "./modules/index.js";
export {
  type DocumentOptions,
  type FileResponseKind,
  fileOf,
  type JsonSchema,
  type NdjsonResponseKind,
  ndjsonOf,
  type OpenApiContact,
  type OpenApiDocument,
  type OpenApiInfo,
  type OpenApiLicense,
  type OpenApiOAuthFlow,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiPathItem,
  type OpenApiResponse,
  type OpenApiSecurityRequirement,
  type OpenApiSecurityScheme,
  type OpenApiServer,
  type OpenApiTag,
  openApiDocument,
  type ResponseDoc,
  type ResponseDocs,
  type ResponseKind,
  type SecurityDeclaration,
  type SecurityRequirement,
  type StreamResponseKind,
  streamOf,
} from "./openapi/index.js";
export {
  type CallNext,
  CorsConfigError,
  type CorsOptions,
  cors,
  corsPolicy,
  type ErrorClass,
  type ErrorContext,
  type ErrorFormat,
  type ExceptionHandler,
  type ExceptionHandlerDef,
  type ExceptionHandlerFn,
  type ExceptionHandlerLike,
  exceptionHandler,
  HeadersCommittedError,
  type HstsOptions,
  type Interceptor,
  type InterceptorFn,
  type InterceptorLike,
  InvalidExceptionHandlerError,
  InvalidInterceptorError,
  InvalidMiddlewareError,
  interceptor,
  type Middleware,
  type MiddlewareContext,
  MiddlewareError,
  type MiddlewareFn,
  type MiddlewareLike,
  type MiddlewareResult,
  middleware,
  type Next,
  onError,
  PROBLEM_TYPE,
  type ProblemDetails,
  problemDetails,
  type RequestIdOptions,
  type ResponseView,
  requestId,
  type SecurityHeadersOptions,
  securityHeaders,
  useExceptionHandlers,
  useInterceptors,
  useMiddleware,
} from "./pipeline/index.js";

export {
  type BroadcastAdapter,
  BroadcastGroup,
  type BroadcastGroupOptions,
  type BroadcastLink,
  type BroadcastListenOptions,
  type BroadcastOptions,
  type EventProducer,
  EventStream,
  type EventStreamOptions,
  onConnect,
  onDisconnect,
  onMessage,
  type ReadonlySession,
  ServerSentEvent,
  type ServerSentEventInit,
  type SseItem,
  WebSocketClosedError,
  WebSocketConnection,
  WebSocketError,
  WebSocketValidationError,
  type WsCloseInfo,
  type WsControllerOptions,
  type WsCtx,
  type WsMessageOptions,
  wsController,
} from "./realtime/index.js";

export {
  type CrossOriginOptions,
  CrossOriginRequestError,
  CsrfTokenError,
  type CsrfTokenOptions,
  EncryptedCookieSessionStore,
  type EncryptedCookieSessionStoreOptions,
  InMemoryRevocationStore,
  InMemorySessionStore,
  type RevocationEvent,
  RevocationStore,
  type RevokeUserOptions,
  type SaveOptions,
  SESSION_ENDED_CLOSE_CODE,
  SESSION_EXPIRES_AT,
  Session,
  SessionConfigError,
  type SessionEndReason,
  type SessionInfo,
  type SessionOptions,
  type SessionSerializer,
  SessionStore,
  type SessionStoreEvent,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SignedCookieSessionStore,
  type StoredSessionInfo,
  UserSessions,
} from "./sessions/index.js";
export { StaticFilesModule, type StaticFilesOptions } from "./static/index.js";
export type { Infer, RouteSchemas, StandardSchemaV1 } from "./validation/index.js";
