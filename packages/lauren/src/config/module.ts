/**
 * `ConfigModule.forRoot({ token, schema })`: a global module that validates the
 * configuration while the app is built and provides the typed result under `token`.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { DynamicModule } from "../decorators/module.js";
import type { InjectionToken } from "../di/token.js";
import { type EnvVars, validateConfig } from "./load.js";

export interface ConfigModuleOptions<S extends StandardSchemaV1> {
  /** What the typed configuration is injected as; its type must be the schema's output. */
  token: InjectionToken<StandardSchemaV1.InferOutput<S>>;
  schema: S;
  /** The variables to read; defaults to `process.env`. Tests pass an explicit object. */
  env?: EnvVars;
  /** A dotenv file read first; the environment wins over it; a missing file is ignored. */
  envFile?: string;
}

export class ConfigModule {
  /**
   * Global: import it once (in the root module) and inject `token` anywhere. A schema that
   * validates asynchronously makes the provider async (build with `createAsync()`).
   */
  static forRoot<S extends StandardSchemaV1>(options: ConfigModuleOptions<S>): DynamicModule {
    const { token, schema, envFile } = options;
    const env = options.env ?? process.env;
    const load = () => validateConfig(schema, envFile === undefined ? { env } : { env, envFile });
    return { module: ConfigModule, global: true, providers: [{ provide: token, useFactory: load }], exports: [token] };
  }
}
