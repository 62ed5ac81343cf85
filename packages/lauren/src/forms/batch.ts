/**
 * The temporary files of one request. Every path is recorded before the file is created, and
 * `cleanup()` waits for writers still running before it removes them, so no file outlives the
 * request: not after success, not after an error, not after the client hung up mid-upload.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";

export class UploadBatch {
  readonly #dir: string;
  readonly #paths = new Set<string>();
  readonly #writers = new Set<Promise<unknown>>();
  #closed = false;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** A fresh path for a temporary file, recorded for removal. */
  newPath(): string {
    const path = join(this.#dir, `lauren-upload-${randomUUID()}`);
    this.#paths.add(path);
    return path;
  }

  /** Tracks a file being written; cleanup waits for it. */
  track(writer: Promise<unknown>): void {
    this.#writers.add(writer);
    writer.then(
      () => this.#writers.delete(writer),
      () => this.#writers.delete(writer),
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  async cleanup(): Promise<void> {
    this.#closed = true;
    while (this.#writers.size > 0) await Promise.allSettled([...this.#writers]);
    await Promise.all([...this.#paths].map((path) => rm(path, { force: true })));
    this.#paths.clear();
  }
}
