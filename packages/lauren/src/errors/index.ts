export * from "./http-errors.js";
export * from "./startup-errors.js";
export { errorBody, toHttpError } from "./envelope.js";
