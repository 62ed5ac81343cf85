/** Kept for the folders that import the logger from here; the logger lives in logging/. */
export { consoleLogger, type Logger, silentLogger } from "../logging/index.js";
