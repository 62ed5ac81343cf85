export { errorBody, toHttpError } from "./envelope.js";
export * from "./http-errors.js";
export * from "./startup-errors.js";
