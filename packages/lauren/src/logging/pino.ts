/**
 * pino (and pino-compatible loggers) take the fields first and the message second:
 * `log.info({ reqId }, "msg")`. Passed as the `logger` option, such a logger is adapted
 * as it is, so its own levels, serialisers and transports keep working.
 */
import type { Logger } from "./logger.js";

type PinoMethod = (obj: Record<string, unknown>, msg?: string) => void;

export interface PinoLike {
  debug: PinoMethod;
  info: PinoMethod;
  warn: PinoMethod;
  error: PinoMethod;
  child: (bindings: Record<string, unknown>) => unknown;
  levels: { values: Record<string, number> };
}

export function isPinoLike(value: unknown): value is PinoLike {
  const v = value as Partial<PinoLike> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.child === "function" &&
    typeof v.info === "function" &&
    typeof v.levels === "object" &&
    v.levels !== null &&
    typeof v.levels.values === "object"
  );
}

/** pino names an error under `err` so its serialiser renders the stack. */
function pinoFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (fields === undefined) return {};
  if (!(fields.error instanceof Error)) return fields;
  const { error, ...rest } = fields;
  return { ...rest, err: error };
}

export function fromPino(pino: PinoLike): Logger {
  return {
    debug: (m, f) => pino.debug(pinoFields(f), m),
    info: (m, f) => pino.info(pinoFields(f), m),
    warn: (m, f) => pino.warn(pinoFields(f), m),
    error: (m, f) => pino.error(pinoFields(f), m),
  };
}
