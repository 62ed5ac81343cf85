/** The logger the framework writes to; pass your own (pino, winston…) or `false` to silence it. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function format(level: string, message: string, fields?: Record<string, unknown>): string {
  if (fields === undefined) return `[lauren] ${level} ${message}`;
  return `[lauren] ${level} ${message} ${JSON.stringify(fields, errorReplacer)}`;
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

export const consoleLogger: Logger = {
  info: (m, f) => console.log(format("info", m, f)),
  warn: (m, f) => console.warn(format("warn", m, f)),
  error: (m, f) => console.error(format("error", m, f)),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
