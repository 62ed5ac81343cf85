/**
 * What a mount remembers about the files it served: each path's real location (so the
 * symlink check is not a `realpath` per request) and, for small files, their bytes (so a hit
 * is one `stat` and no open/read/close). Every request still stats the file, and an entry is
 * used only while the file's inode, size and modification time are the ones it was read
 * with: an edited, replaced or deleted file is read again (or 404s) on its next request.
 */
import type { Stats } from "node:fs";
import { readFile, realpath } from "node:fs/promises";
import { sep } from "node:path";
import { ConfigurationError } from "../errors/index.js";

export interface MemoryCacheOptions {
  /** Files up to this size are kept in memory. Default 256 KiB. */
  maxFileBytes?: number;
  /** Bytes kept in memory per mount, at most; the oldest entries go first. Default 32 MiB. */
  maxTotalBytes?: number;
}

/** A file to send: its real path, the stats it was checked with and, when small, its bytes. */
export interface FoundFile {
  readonly path: string;
  readonly stats: Stats;
  readonly bytes: Buffer | null;
}

interface Entry extends FoundFile {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

/** How many paths' real locations a mount remembers (bytes are bounded separately). */
const MAX_ENTRIES = 10_000;

export class FileCache {
  readonly #root: string;
  readonly #maxFile: number;
  readonly #maxTotal: number;
  readonly #entries = new Map<string, Entry>();
  #total = 0;

  constructor(root: string, options: MemoryCacheOptions | false | undefined, where: string) {
    this.#root = root;
    const maxFile = options === false ? 0 : (options?.maxFileBytes ?? 256 * 1024);
    const maxTotal = options === false ? 0 : (options?.maxTotalBytes ?? 32 * 1024 * 1024);
    for (const [name, value] of [
      ["maxFileBytes", maxFile],
      ["maxTotalBytes", maxTotal],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new ConfigurationError(`${where}: memoryCache.${name} must be a whole number of bytes, got ${String(value)}.`);
      }
    }
    this.#maxFile = Math.min(maxFile, maxTotal);
    this.#maxTotal = maxTotal;
  }

  /** The file at `full` (already stat'ed as `stats`), or null when its real path leaves the root. */
  async find(full: string, stats: Stats): Promise<FoundFile | null> {
    const known = this.#entries.get(full);
    if (known !== undefined && known.ino === stats.ino && known.size === stats.size && known.mtimeMs === stats.mtimeMs) {
      return known;
    }
    const real = await realpath(full).catch(() => null);
    if (real === null || !real.startsWith(this.#root + sep)) return null;
    const bytes = stats.size <= this.#maxFile ? await readFile(real).catch(() => null) : null;
    // Changed while it was read: send it from disk this time, remember it next time.
    const kept = bytes !== null && bytes.length === stats.size ? bytes : null;
    this.#put(full, { path: real, stats, bytes: kept, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs });
    return { path: real, stats, bytes: kept };
  }

  /** Bytes held in memory now (for tests and diagnostics). */
  get bytesHeld(): number {
    return this.#total;
  }

  #put(full: string, entry: Entry): void {
    this.#drop(full);
    this.#entries.set(full, entry);
    this.#total += entry.bytes?.length ?? 0;
    // Map order is insertion order: the first entries are the oldest.
    for (const [path] of this.#entries) {
      if (this.#total <= this.#maxTotal && this.#entries.size <= MAX_ENTRIES) break;
      this.#drop(path);
    }
  }

  #drop(full: string): void {
    const old = this.#entries.get(full);
    if (old === undefined) return;
    this.#entries.delete(full);
    this.#total -= old.bytes?.length ?? 0;
  }
}
