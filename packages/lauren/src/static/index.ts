/** Static files: folders served under a URL prefix, after routing found no route. */
export { StaticFilesModule, staticMounts } from "./module.js";
export { StaticFiles, type StaticFilesOptions, StaticMounts } from "./serve.js";
