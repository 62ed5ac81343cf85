export { admit } from "./admission.js";
export * from "./builtins/index.js";
export { type Chain, compose, MiddlewareError } from "./compose.js";
export { Exchange, type MiddlewareContext } from "./context.js";
export type { Endpoint } from "./endpoint.js";
export {
  type ErrorClass,
  type ErrorContext,
  type ExceptionHandler,
  type ExceptionHandlerDef,
  type ExceptionHandlerFn,
  type ExceptionHandlerLike,
  exceptionHandler,
  InvalidExceptionHandlerError,
  onError,
  useExceptionHandlers,
} from "./exception-handlers.js";
export {
  type CallNext,
  type Interceptor,
  type InterceptorFn,
  type InterceptorLike,
  InvalidInterceptorError,
  interceptor,
  useInterceptors,
} from "./interceptors.js";
export {
  InvalidMiddlewareError,
  type Middleware,
  type MiddlewareFn,
  type MiddlewareLike,
  type MiddlewareResult,
  middleware,
  type Next,
  useMiddleware,
} from "./middleware.js";
export { type ErrorFormat, PROBLEM_TYPE, type ProblemDetails, problemDetails } from "./problem.js";
export { HeadersCommittedError, type ResponseView } from "./response.js";
