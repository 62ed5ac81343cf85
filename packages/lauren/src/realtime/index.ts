/** Long-lived responses: Server-Sent Event streams and WebSocket gateways. */
export * from "./sse/index.js";
export * from "./ws/index.js";
