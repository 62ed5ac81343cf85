/**
 * Typed configuration: the environment (and optionally a `.env` file) checked once, at
 * start-up, by a Standard Schema. Every bad or missing variable is reported in one error,
 * by name and never by value, since values are often secrets.
 */
import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { isThenable } from "../di/container.js";
import { ConfigurationError, ConfigValidationError } from "../errors/index.js";

export type EnvVars = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /** The variables to read. Pass `process.env` in apps and an explicit object in tests. */
  env: EnvVars;
  /**
   * A dotenv file read before validation; variables already in `env` win over it. A missing
   * file is not an error, so production (which has none) needs no special case.
   */
  envFile?: string;
}

/** Reads and validates the configuration synchronously; throws ConfigValidationError listing every problem. */
export function loadConfig<S extends StandardSchemaV1>(schema: S, options: LoadConfigOptions): StandardSchemaV1.InferOutput<S> {
  const result = validateConfig(schema, options);
  if (isThenable(result)) {
    Promise.resolve(result).catch(() => {});
    throw new ConfigurationError(
      "The config schema validates asynchronously (an async refinement?), so loadConfig() cannot return its result. " +
        "Use ConfigModule.forRoot() with `await LaurenFactory.createAsync()`, or make the schema synchronous.",
    );
  }
  return result;
}

/** Validates, returning a promise only when the schema itself is asynchronous. */
export function validateConfig<S extends StandardSchemaV1>(
  schema: S,
  options: LoadConfigOptions,
): StandardSchemaV1.InferOutput<S> | Promise<StandardSchemaV1.InferOutput<S>> {
  const input = { ...readEnvFile(options.envFile), ...definedOnly(options.env) };
  const result = schema["~standard"].validate(input);
  if (isThenable(result)) return Promise.resolve(result).then((r) => unwrap(r, input));
  return unwrap(result, input);
}

function unwrap<T>(result: StandardSchemaV1.Result<T>, input: EnvVars): T {
  if (result.issues === undefined) return result.value;
  const issues = result.issues.map((issue) => {
    const first = issue.path?.[0];
    const key = typeof first === "object" ? first.key : first;
    const variable = key === undefined ? "(configuration)" : String(key);
    const state = key !== undefined && input[String(key)] === undefined ? "is not set" : "is invalid";
    return { variable, message: `${variable} ${state}: ${issue.message}` };
  });
  const names = [...new Set(issues.map((i) => i.variable))];
  const noun = names.length === 1 ? "variable needs" : "variables need";
  return fail(
    new ConfigValidationError(
      `Invalid configuration: ${names.length} environment ${noun} fixing (${names.join(", ")}).\n` +
        issues.map((i) => `  - ${i.message}`).join("\n"),
      issues,
    ),
  );
}

function fail(error: Error): never {
  throw error;
}

function definedOnly(env: EnvVars): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}

function readEnvFile(path: string | undefined): Record<string, string> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new ConfigurationError(`The env file ${path} cannot be read: ${(error as Error).message}`);
  }
  return definedOnly(parseEnv(text));
}
