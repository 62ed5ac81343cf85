/**
 * `StaticFilesModule.forRoot({ directory, prefix })`: a folder served by the module that
 * imports it, the same way as the app's `staticFiles` option (after routing found no route).
 * Each call is its own mount; the factory collects them when it builds the app.
 */

import type { CompressionPolicy } from "../http/compress.js";
import type { DynamicModule } from "../modules/index.js";
import { StaticFiles, type StaticFilesOptions, StaticMounts } from "./serve.js";

/** The options of each `forRoot()` definition, found again by the definition object. */
const MOUNTS = new WeakMap<object, readonly StaticFilesOptions[]>();

export class StaticFilesModule {
  /**
   * One folder (or several, tried in order) under a URL prefix. Import the result in any
   * module: `imports: [StaticFilesModule.forRoot({ directory: "./public" })]`. The folder
   * must exist when the app is created.
   */
  static forRoot(options: StaticFilesOptions | readonly StaticFilesOptions[]): DynamicModule {
    const definition: DynamicModule = { module: StaticFilesModule };
    MOUNTS.set(definition, Array.isArray(options) ? [...options] : [options as StaticFilesOptions]);
    return definition;
  }
}

/**
 * The app's mounts: the `staticFiles` option first, then each imported `forRoot()` in module
 * order (imported modules before their importers). Null when there are none, so the
 * dispatcher answers 404 without looking.
 */
export function staticMounts(
  option: StaticFilesOptions | readonly StaticFilesOptions[] | undefined,
  modules: readonly { readonly key: object }[],
  compression: CompressionPolicy | null,
): StaticMounts | null {
  const mounts: StaticFiles[] = [];
  const fromOption = option === undefined ? [] : Array.isArray(option) ? option : [option as StaticFilesOptions];
  for (const o of fromOption) mounts.push(new StaticFiles(o, compression));
  for (const module of modules) {
    for (const o of MOUNTS.get(module.key) ?? []) {
      mounts.push(new StaticFiles(o, compression, `StaticFilesModule.forRoot (${o.directory})`));
    }
  }
  return mounts.length === 0 ? null : new StaticMounts(mounts);
}
