/**
 * A file from a multipart form. Small files stay in memory; larger ones were streamed to a
 * private temporary file, which the framework removes when the request is over whatever
 * happened, so `moveTo()` (or reading) is how a handler keeps the content.
 */
import { createReadStream } from "node:fs";
import { copyFile, readFile, rename, rm, writeFile } from "node:fs/promises";
import { Readable } from "node:stream";

export class UploadedFile {
  /** The form field the file came in. */
  readonly field: string;
  /** The file name the client sent, without any directory part (may be empty). Never trust it as a path. */
  readonly name: string;
  /** The media type the client declared (`text/plain` when it sent none, per RFC 7578). Check the bytes when it matters. */
  readonly type: string;
  /** Size in bytes. */
  readonly size: number;
  #buffer: Buffer | null;
  #path: string | null;

  constructor(field: string, name: string, type: string, size: number, content: { buffer: Buffer } | { path: string }) {
    this.field = field;
    this.name = name;
    this.type = type;
    this.size = size;
    this.#buffer = "buffer" in content ? content.buffer : null;
    this.#path = "path" in content ? content.path : null;
  }

  /** True when the content is held in memory (under the route's `memoryThreshold`). */
  get inMemory(): boolean {
    return this.#buffer !== null;
  }

  /** The temporary file holding the content, or null when in memory; gone after the request. */
  get tempPath(): string | null {
    return this.#path;
  }

  /** The content as a stream. */
  stream(): Readable {
    if (this.#buffer !== null) return Readable.from([this.#buffer]);
    return createReadStream(this.#path as string);
  }

  /** The whole content. */
  async bytes(): Promise<Buffer> {
    if (this.#buffer !== null) return this.#buffer;
    return readFile(this.#path as string);
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString("utf8");
  }

  /**
   * Writes the content to `destination` (which must not exist yet) and, for a temporary file,
   * moves it there without copying when on the same file system.
   */
  async moveTo(destination: string): Promise<void> {
    if (this.#buffer !== null) {
      await writeFile(destination, this.#buffer, { flag: "wx" });
      return;
    }
    const from = this.#path as string;
    try {
      await rename(from, destination);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
      await copyFile(from, destination);
      await rm(from, { force: true });
    }
    this.#path = destination;
  }
}
