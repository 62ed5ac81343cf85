/**
 * HTTP errors: every error a client can see is one of these, rendered as the one envelope
 * `{"error":{"code","message","detail"}}`. Subclasses set `static status` and `static code`
 * so the class itself documents what it answers (the OpenAPI generator reads them too).
 */

export type ErrorDetail = Record<string, unknown>;

export interface HttpErrorClass {
  new (...args: never[]): HttpError;
  readonly status: number;
  readonly code: string;
  readonly name: string;
}

export class HttpError extends Error {
  static status = 500;
  static code = "http_error";

  readonly status: number;
  readonly code: string;
  readonly detail: ErrorDetail;
  /** Extra response headers (for example `Retry-After` or `Allow`). */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(message?: string, detail?: ErrorDetail, options?: { headers?: Record<string, string>; cause?: unknown }) {
    const ctor = new.target as unknown as HttpErrorClass;
    super(message ?? ctor.code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = ctor.name;
    this.status = ctor.status;
    this.code = ctor.code;
    this.detail = detail ?? {};
    this.headers = options?.headers;
  }

  /** The envelope body; `detail` is always present so clients never branch on its absence. */
  toJSON(): { error: { code: string; message: string; detail: ErrorDetail } } {
    return { error: { code: this.code, message: this.message, detail: this.detail } };
  }
}

export class BadRequestError extends HttpError {
  static override status = 400;
  static override code = "bad_request";
}
export class UnauthorizedError extends HttpError {
  static override status = 401;
  static override code = "unauthorized";
}
export class ForbiddenError extends HttpError {
  static override status = 403;
  static override code = "forbidden";
}
export class NotFoundError extends HttpError {
  static override status = 404;
  static override code = "not_found";
}
export class RouteNotFoundError extends HttpError {
  static override status = 404;
  static override code = "route_not_found";
}
export class MethodNotAllowedError extends HttpError {
  static override status = 405;
  static override code = "method_not_allowed";
}
export class ConflictError extends HttpError {
  static override status = 409;
  static override code = "conflict";
}
export class RequestTimeoutError extends HttpError {
  static override status = 408;
  static override code = "request_timeout";
}
export class PayloadTooLargeError extends HttpError {
  static override status = 413;
  static override code = "request_body_too_large";
}
export class UnsupportedMediaTypeError extends HttpError {
  static override status = 415;
  static override code = "unsupported_media_type";
}
/** A required value is missing or a single field is malformed (path, query, header, empty body). */
export class ExtractorFieldError extends HttpError {
  static override status = 422;
  static override code = "extractor_field_error";
}
/** The request could not be turned into the declared input (bad JSON, failed validation). */
export class ExtractorError extends HttpError {
  static override status = 422;
  static override code = "extractor_error";
}
export class RequestHeaderFieldsTooLargeError extends HttpError {
  static override status = 431;
  static override code = "request_header_fields_too_large";
}
export class TooManyRequestsError extends HttpError {
  static override status = 429;
  static override code = "too_many_requests";
}
export class InternalServerError extends HttpError {
  static override status = 500;
  static override code = "internal_error";
}
export class ServiceUnavailableError extends HttpError {
  static override status = 503;
  static override code = "service_unavailable";
}
