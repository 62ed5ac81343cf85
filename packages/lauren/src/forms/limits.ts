/** Upload limits: app defaults (`LaurenOptions.uploads`) under each route's own (`limits`). */
import { tmpdir } from "node:os";
import { ConfigurationError } from "../errors/index.js";

export interface UploadLimits {
  /** Largest single file, in bytes (413 beyond). Default 10 MiB. */
  fileSize?: number;
  /** Most files in one request. Default 10. */
  files?: number;
  /** Most non-file fields in one request. Default 100. */
  fields?: number;
  /** Largest non-file field value, in bytes. Default 64 KiB. */
  fieldSize?: number;
  /** Largest whole multipart body, in bytes. Default 20 MiB. */
  total?: number;
  /** Files up to this size stay in memory; larger ones go to a temporary file. Default 256 KiB. */
  memoryThreshold?: number;
  /** Where temporary files go. Default the OS temp directory. */
  tempDir?: string;
}

export type ResolvedLimits = Required<UploadLimits>;

const DEFAULTS: ResolvedLimits = {
  fileSize: 10 * 1024 * 1024,
  files: 10,
  fields: 100,
  fieldSize: 64 * 1024,
  total: 20 * 1024 * 1024,
  memoryThreshold: 256 * 1024,
  tempDir: "",
};

export function resolveLimits(app: UploadLimits | undefined, route: UploadLimits | undefined, where: string): ResolvedLimits {
  const merged = { ...DEFAULTS, ...app, ...route };
  for (const key of ["fileSize", "files", "fields", "fieldSize", "total"] as const) {
    const value = merged[key];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new ConfigurationError(
        `${where}: limits.${key} must be a positive whole number; got ${String(value)}. Remove it for the default.`,
      );
    }
  }
  if (!Number.isSafeInteger(merged.memoryThreshold) || merged.memoryThreshold < 0) {
    throw new ConfigurationError(`${where}: limits.memoryThreshold must be a whole number of bytes (0 = always a temporary file).`);
  }
  return { ...merged, tempDir: merged.tempDir === "" ? tmpdir() : merged.tempDir };
}
