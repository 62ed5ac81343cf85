export { attachBroadcastAdapter, BroadcastGroup, type BroadcastGroupOptions, type BroadcastOptions } from "./broadcast.js";
export type { BroadcastAdapter, BroadcastLink } from "./broadcast-adapter.js";
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
export type { BroadcastListenOptions } from "./room-feed.js";
export type { WsServer } from "./server.js";
