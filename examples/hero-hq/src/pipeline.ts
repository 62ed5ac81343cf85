/** What every HQ request passes through before routing, and how HQ logs. */
import { cors, createLogger, type LaurenOptions, type MiddlewareLike, requestId, securityHeaders } from "lauren";
import type { HeroConfig } from "./config.js";

// --8<-- [start:code]
export function pipelineOptions(config: HeroConfig): LaurenOptions {
  // Every response carries an X-Request-Id and the security headers.
  const middleware: MiddlewareLike[] = [requestId(), securityHeaders()];
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
