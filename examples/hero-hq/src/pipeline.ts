/** What every HQ request passes through before routing, and how HQ logs. */
import { cors, createLogger, type LaurenOptions, type MiddlewareLike, requestId, securityHeaders } from "lauren";
import type { HeroConfig } from "./config.js";

// --8<-- [start:code]
export function pipelineOptions(config: HeroConfig): LaurenOptions {
  // Every response carries an X-Request-Id (on its log line too with JSON logs) and nosniff,
  // which keeps a browser from running a JSON body as a page. The headers about documents
  // (framing, CSP, referrer, opener) go on the landing page itself (DOCUMENT_HEADERS);
  // HERO_HQ_SECURITY_HEADERS=all sends them on every answer too.
  const headers = config.HERO_HQ_SECURITY_HEADERS === "all" ? {} : JSON_ONLY;
  const middleware: MiddlewareLike[] = [requestId(), securityHeaders(headers)];
  if (config.HERO_HQ_CORS_ORIGINS.length > 0) {
    // Listed pages may call HQ with the visitor's session cookie.
    middleware.push(
      cors({
        origin: config.HERO_HQ_CORS_ORIGINS,
        credentials: true,
        allowedHeaders: ["content-type", "x-hq-badge"],
        exposedHeaders: ["x-request-id"],
        maxAge: 600,
      }),
    );
  }
  const json = config.LAUREN_LOG_FORMAT === "json";
  return {
    middleware,
    logger: createLogger({ level: config.LAUREN_LOG_LEVEL, format: config.LAUREN_LOG_FORMAT }),
    // JSON lines are for a log collector: then one line per request, with its id and duration.
    logRequests: json,
  };
}
// --8<-- [end:code]

/** securityHeaders() without the headers that only mean something on a page a browser renders. */
const JSON_ONLY = { frameOptions: false, referrerPolicy: false, crossOriginOpenerPolicy: false } as const;

/** What the landing page gets: the helmet-style set for a rendered document. */
export const DOCUMENT_HEADERS = {
  "content-security-policy": "default-src 'self'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
} as const;
