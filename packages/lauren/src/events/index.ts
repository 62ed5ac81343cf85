export { type AppEventName, type AppEvents, EventBus, type RequestEvent, type TaskEvent, type TaskFailedEvent } from "./bus.js";
