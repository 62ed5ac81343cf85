export { loggerFromEnv } from "./env.js";
export {
  consoleLogger,
  createLogger,
  errorReplacer,
  LOG_LEVELS,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogSink,
  silentLogger,
  withFields,
} from "./logger.js";
export { fromPino, isPinoLike, type PinoLike } from "./pino.js";
export { ThrottledWarning } from "./throttle.js";
