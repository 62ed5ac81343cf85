/**
 * The logger the framework writes to. Any object with these methods fits (your own, pino,
 * winston…); `debug` is optional so a three-method logger still works.
 */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "console" | "json";

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where log lines go; defaults to process.stdout / process.stderr. */
export interface LogSink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** Lines below this level are dropped. Default "info". */
  level?: LogLevel;
  /** "console" for humans, "json" for one JSON object a line. Default "console". */
  format?: LogFormat;
  /** Where lines go. Default: stdout (debug, info) and stderr (warn, error) for console; stdout for json. */
  sink?: LogSink;
  /** Fields added to every line (a service name, a release). */
  fields?: Record<string, unknown>;
}

/** JSON.stringify replacer: errors keep their name, message and stack instead of `{}`. */
export function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === "bigint") return value.toString();
  return value;
}

const noop = (): void => undefined;

/** A levelled logger writing console or JSON lines. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = RANK[options.level ?? "info"];
  const format = options.format ?? "console";
  const base = options.fields ?? null;
  const sink = options.sink ?? null;
  const emit = (level: LogLevel) => {
    if (RANK[level] < min) return noop;
    const out: LogSink = sink ?? (format === "console" && RANK[level] >= RANK.warn ? process.stderr : process.stdout);
    if (format === "json") {
      return (msg: string, fields?: Record<string, unknown>): void => {
        const line = { level, time: new Date().toISOString(), msg, ...base, ...fields };
        out.write(`${JSON.stringify(line, errorReplacer)}\n`);
      };
    }
    return (msg: string, fields?: Record<string, unknown>): void => {
      const extra = base === null && fields === undefined ? "" : ` ${JSON.stringify({ ...base, ...fields }, errorReplacer)}`;
      out.write(`[lauren] ${level} ${msg}${extra}\n`);
    };
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** Human-readable lines at info and above: the default. */
export const consoleLogger: Logger = createLogger();

export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A logger that adds `fields` to every line (the request id, for instance). */
export function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  return {
    debug: (m, f) => logger.debug?.(m, f === undefined ? fields : { ...fields, ...f }),
    info: (m, f) => logger.info(m, f === undefined ? fields : { ...fields, ...f }),
    warn: (m, f) => logger.warn(m, f === undefined ? fields : { ...fields, ...f }),
    error: (m, f) => logger.error(m, f === undefined ? fields : { ...fields, ...f }),
  };
}
