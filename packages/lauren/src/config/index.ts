export { type EnvVars, type LoadConfigOptions, loadConfig } from "./load.js";
export { ConfigModule, type ConfigModuleOptions } from "./module.js";
