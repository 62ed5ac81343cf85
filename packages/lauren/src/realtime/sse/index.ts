export { formatEvent, ServerSentEvent, type ServerSentEventInit, type SseItem } from "./event.js";
export { type EventProducer, EventStream, type EventStreamOptions } from "./event-stream.js";
