/**
 * Reading form bodies. URL-encoded forms are small and read whole; multipart bodies are parsed
 * as they arrive (@fastify/busboy), each file going to memory or, past the threshold, to a
 * temporary file, with every limit enforced while streaming (413) and a malformed body or
 * part answered 422. Field objects have no prototype, so `__proto__` is just a field name.
 */
import { open } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Busboy, type BusboyFileStream } from "@fastify/busboy";
import { BadRequestError, ExtractorError, type HttpError, PayloadTooLargeError, UnsupportedMediaTypeError } from "../errors/index.js";
import type { LaurenRequest } from "../http/request.js";
import type { UploadBatch } from "./batch.js";
import type { ResolvedLimits } from "./limits.js";
import { UploadedFile } from "./uploaded-file.js";

export type FormKind = "urlencoded" | "multipart";

export function formKind(contentType: string | undefined): FormKind | null {
  if (contentType === undefined) return null;
  const semi = contentType.indexOf(";");
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return "urlencoded";
  if (type === "multipart/form-data") return "multipart";
  return null;
}

type Fields = Record<string, unknown>;

/** Adds a value; a repeated name becomes an array, in order. */
function put(fields: Fields, name: string, value: unknown): void {
  const existing = fields[name];
  if (existing === undefined) fields[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else fields[name] = [existing, value];
}

export async function readForm(request: LaurenRequest, limits: ResolvedLimits, batch: () => UploadBatch): Promise<Fields> {
  const contentType = request.raw.headers["content-type"];
  const kind = formKind(contentType);
  if (kind === null) {
    throw new UnsupportedMediaTypeError(
      `expected a form (application/x-www-form-urlencoded or multipart/form-data), got ${contentType ?? "no content type"}`,
      { field: "form", ...(contentType === undefined ? {} : { content_type: contentType }) },
    );
  }
  if (kind === "urlencoded") return readUrlEncoded(request, limits);
  return readMultipart(request.raw, limits, batch());
}

async function readUrlEncoded(request: LaurenRequest, limits: ResolvedLimits): Promise<Fields> {
  const text = await request.text();
  const fields: Fields = Object.create(null);
  let count = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    if (++count > limits.fields) throw tooLarge(`form has more than ${limits.fields} fields`, { limit: "fields", max: limits.fields });
    if (Buffer.byteLength(value) > limits.fieldSize) {
      throw tooLarge(`form field '${name}' exceeds ${limits.fieldSize} bytes`, { field: name, limit: "fieldSize", max: limits.fieldSize });
    }
    put(fields, name, value);
  }
  return fields;
}

function tooLarge(message: string, detail: Record<string, unknown>): PayloadTooLargeError {
  return new PayloadTooLargeError(message, detail, { headers: { connection: "close" } });
}

function malformed(message: string, field = "form"): ExtractorError {
  return new ExtractorError(`malformed multipart body: ${message}`, { field });
}

function readMultipart(req: IncomingMessage, limits: ResolvedLimits, batch: UploadBatch): Promise<Fields> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limits.total) {
    discard(req, limits.total);
    return Promise.reject(tooLarge(`form body exceeds ${limits.total} bytes`, { limit: "total", max: limits.total }));
  }
  let parser: ReturnType<typeof Busboy>;
  try {
    parser = Busboy({
      headers: req.headers as { "content-type": string },
      limits: {
        // One byte over the limit lets us tell "exactly at the limit" from "over it".
        fileSize: limits.fileSize + 1,
        files: limits.files,
        fields: limits.fields,
        fieldSize: limits.fieldSize,
        parts: limits.files + limits.fields,
      },
    });
  } catch (err) {
    return Promise.reject(malformed((err as Error).message));
  }
  return new Promise<Fields>((resolve, reject) => {
    const fields: Fields = Object.create(null);
    const writes: Promise<void>[] = [];
    const open = new Set<BusboyFileStream>();
    let failed: HttpError | Error | null = null;
    let received = 0;

    const fail = (error: HttpError | Error): void => {
      if (failed !== null) return;
      failed = error;
      req.unpipe(parser);
      req.off("data", count);
      // Files still arriving are cut, so their writers stop and cleanup sees every path.
      for (const stream of open) stream.destroy(error);
      parser.destroy();
      if (req.complete) reject(error);
      else {
        discard(req, limits.total);
        // Reject only once every file writer has stopped, so cleanup sees all their paths.
        Promise.allSettled(writes).then(() => reject(error));
      }
    };
    const count = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limits.total) fail(tooLarge(`form body exceeds ${limits.total} bytes`, { limit: "total", max: limits.total }));
    };

    parser.on("field", (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
      if (valueTruncated) {
        fail(
          tooLarge(`form field '${name}' exceeds ${limits.fieldSize} bytes`, { field: name, limit: "fieldSize", max: limits.fieldSize }),
        );
        return;
      }
      put(fields, name, value);
    });
    parser.on("file", (name: string, stream: BusboyFileStream, filename: string, _encoding: string, mimeType: string) => {
      if (failed !== null) {
        stream.resume();
        return;
      }
      const sink = new FileSink(batch, limits.memoryThreshold);
      open.add(stream);
      const write = pipeline(stream, sink).then(() => {
        open.delete(stream);
        if (stream.truncated || sink.size > limits.fileSize) {
          throw tooLarge(`file '${name}' exceeds ${limits.fileSize} bytes`, { field: name, limit: "fileSize", max: limits.fileSize });
        }
        const content = sink.path === null ? { buffer: sink.buffer() } : { path: sink.path };
        put(fields, name, new UploadedFile(name, filename, mimeType || "application/octet-stream", sink.size, content));
      });
      writes.push(write);
      batch.track(write);
      write.catch((error: Error) => {
        open.delete(stream);
        return fail(error instanceof PayloadTooLargeError ? error : malformed(error.message, name));
      });
    });
    parser.on("filesLimit", () => fail(tooLarge(`form has more than ${limits.files} files`, { limit: "files", max: limits.files })));
    parser.on("fieldsLimit", () => fail(tooLarge(`form has more than ${limits.fields} fields`, { limit: "fields", max: limits.fields })));
    parser.on("partsLimit", () =>
      fail(tooLarge(`form has more than ${limits.files + limits.fields} parts`, { limit: "parts", max: limits.files + limits.fields })),
    );
    parser.on("error", (err: unknown) => fail(malformed(err instanceof Error ? err.message : String(err))));
    parser.on("finish", () => {
      Promise.all(writes).then(
        () => {
          if (failed === null) resolve(fields);
        },
        () => undefined, // each failed write already called fail()
      );
    });
    req.on("data", count);
    req.once("close", () => {
      // Not an unexpected error: nobody is left to answer, and nothing needs logging.
      if (!req.complete) fail(new BadRequestError("client closed the connection during the upload", { field: "form" }));
    });
    req.pipe(parser);
  });
}

/**
 * Keeps a file in memory up to `threshold` bytes, then moves what it has to a temporary file
 * (created exclusively, owner-only) and appends the rest there.
 */
class FileSink extends Writable {
  size = 0;
  path: string | null = null;
  readonly #chunks: Buffer[] = [];
  readonly #batch: UploadBatch;
  readonly #threshold: number;
  #file: import("node:fs/promises").FileHandle | null = null;

  constructor(batch: UploadBatch, threshold: number) {
    super();
    this.#batch = batch;
    this.#threshold = threshold;
  }

  buffer(): Buffer {
    return Buffer.concat(this.#chunks, this.size);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.size += chunk.length;
    if (this.#file === null && this.size <= this.#threshold) {
      this.#chunks.push(chunk);
      done();
      return;
    }
    this.#spill(chunk).then(() => done(), done);
  }

  async #spill(chunk: Buffer): Promise<void> {
    if (this.#file === null) {
      if (this.#batch.closed) throw new Error("request already finished");
      this.path = this.#batch.newPath();
      this.#file = await open(this.path, "wx", 0o600);
      for (const held of this.#chunks.splice(0)) await this.#file.write(held);
    }
    await this.#file.write(chunk);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.#close().then(() => done(), done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#close().then(
      () => done(error),
      () => done(error),
    );
  }

  async #close(): Promise<void> {
    const file = this.#file;
    this.#file = null;
    await file?.close();
  }
}

/** Reads and drops the rest of a refused upload (bounded), so the client gets the answer instead of a reset. */
function discard(req: IncomingMessage, limit: number): void {
  let left = limit * 2;
  const timer = setTimeout(() => req.destroy(), 10_000);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) req.destroy();
  });
  req.once("close", () => clearTimeout(timer));
  req.resume();
}
