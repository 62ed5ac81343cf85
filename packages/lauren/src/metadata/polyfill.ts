/**
 * Standard decorators hand metadata over through `context.metadata`, which compilers only
 * create when `Symbol.metadata` exists. Node 20 lacks it, so we define it once, as the same
 * registered symbol esbuild falls back to, so tsc-, esbuild- and swc-compiled classes agree.
 * This module is imported first by the package entry, before any user class is defined.
 */
const symbolCtor = Symbol as unknown as { metadata?: symbol };
symbolCtor.metadata ??= Symbol.for("Symbol.metadata");

export const METADATA: symbol = symbolCtor.metadata;
