/** Forms and uploads: URL-encoded and multipart bodies, files in memory or temporary files. */
export { UploadBatch } from "./batch.js";
export { type ResolvedLimits, resolveLimits, type UploadLimits } from "./limits.js";
export { type FormKind, formKind, readForm } from "./read.js";
export { UploadedFile } from "./uploaded-file.js";
