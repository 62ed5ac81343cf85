export { BroadcastGroup, type BroadcastOptions } from "./broadcast.js";
export { WebSocketClosedError, WebSocketConnection } from "./connection.js";
export type { ReadonlySession, WsCloseInfo, WsCtx } from "./context.js";
export {
  type MessageData,
  onConnect,
  onDisconnect,
  onMessage,
  type WsControllerOptions,
  type WsMessageOptions,
  wsController,
} from "./decorators.js";
export { WebSocketError, WebSocketValidationError } from "./errors.js";
export { installWebSockets } from "./install.js";
export type { WsServer } from "./server.js";
