/**
 * The default logger follows LAUREN_LOG_LEVEL (debug, info, warn, error) and
 * LAUREN_LOG_FORMAT (console, json). A wrong value fails at start-up, naming the variable.
 */
import { ConfigurationError } from "../errors/index.js";
import { createLogger, LOG_LEVELS, type LogFormat, type Logger, type LogLevel } from "./logger.js";

export function loggerFromEnv(env: Readonly<Record<string, string | undefined>>): Logger {
  const level = (env.LAUREN_LOG_LEVEL ?? "info").trim().toLowerCase();
  const format = (env.LAUREN_LOG_FORMAT ?? "console").trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigurationError(`LAUREN_LOG_LEVEL=${level} is not a level; use one of ${LOG_LEVELS.join(", ")} (or unset it for info).`);
  }
  if (format !== "console" && format !== "json") {
    throw new ConfigurationError(`LAUREN_LOG_FORMAT=${format} is not a format; use console or json (or unset it for console).`);
  }
  return createLogger({ level: level as LogLevel, format: format as LogFormat });
}
