export { CORS_POLICY, CorsConfigError, type CorsOptions, cors, corsPolicy } from "./cors.js";
export { type RequestIdOptions, requestId } from "./request-id.js";
export { type HstsOptions, type SecurityHeadersOptions, securityHeaders } from "./security-headers.js";
