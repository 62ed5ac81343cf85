/**
 * Streamed responses: a node Readable or any (async) iterable of strings and bytes, piped to
 * the socket with backpressure. When the client leaves or the app shuts down, the source is
 * destroyed (a generator's `finally` runs), and the promise `writeTo` returns settles only
 * once the stream is over, so graceful shutdown counts it as in flight.
 */
import type { ServerResponse } from "node:http";
import { Readable, type Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { openStream } from "./body.js";
import { type HeaderMap, HttpResponse, type ResponseEnv } from "./reply.js";
import type { SetCookie } from "./send.js";
import { ResponseSchemaError, type Serialize, type SerializerFor } from "./serialize.js";

export type StreamChunk = string | Uint8Array;
export type StreamSource = Readable | AsyncIterable<StreamChunk> | Iterable<StreamChunk>;

export interface StreamInit {
  status?: number;
  /** Media type. Default `application/octet-stream`. */
  type?: string;
  headers?: HeaderMap;
}

const OCTETS = "application/octet-stream";

export class StreamResponse extends HttpResponse {
  readonly status: number;
  readonly type: string;
  readonly headers: HeaderMap;
  #source: StreamSource | null;

  constructor(source: StreamSource, init: StreamInit = {}) {
    super();
    if (!isStreamSource(source) && !isSyncIterable(source)) {
      throw new TypeError("stream() needs a Readable or an (async) iterable of strings or bytes");
    }
    this.#source = source;
    this.status = init.status ?? 200;
    this.type = init.type ?? OCTETS;
    this.headers = init.headers ?? {};
  }

  async writeTo(res: ServerResponse, setCookie: SetCookie, env: ResponseEnv): Promise<void> {
    const source = this.#source;
    if (source === null) throw new Error("this stream response was already sent; return a new one per request");
    this.#source = null;
    const zip = openStream(res, this.status, this.type, this.headers, setCookie, env);
    await pipeTo(source, zip, res, env);
  }
}

/** Pipes `source` (through `zip` when compressing) into a response whose head is written; never rejects. */
export async function pipeTo(source: StreamSource, zip: Transform | null, res: ServerResponse, env: ResponseEnv): Promise<void> {
  const readable = source instanceof Readable ? source : Readable.from(source as AsyncIterable<StreamChunk>, { objectMode: false });
  if (res.req?.method === "HEAD" || env.signal.aborted || res.destroyed) {
    readable.destroy();
    res.end();
    return;
  }
  try {
    if (zip === null) await pipeline(readable, res, { signal: env.signal });
    else await pipeline(readable, zip, res, { signal: env.signal });
  } catch (error) {
    // A client that left or a shutdown is the normal end of a long stream, not a failure.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ERR_STREAM_PREMATURE_CLOSE" && code !== "ABORT_ERR") {
      env.logger.error("streamed response failed; cutting the connection", { error });
    }
    res.destroy();
  }
}

/** Any status, media type and headers: `return stream(file, { type: "text/csv" })`. */
export function stream(source: StreamSource, init?: StreamInit): StreamResponse {
  return new StreamResponse(source, init);
}

/**
 * Newline-delimited JSON (`application/x-ndjson`): each item as one compact JSON line,
 * pulled from the source only as fast as the client reads. When the route declares a schema
 * for the stream's status (`response`, or a `responses` entry), it governs each line: items
 * are written by its serializer, undeclared fields dropped, exactly like a JSON body.
 */
export class NdjsonResponse<T = unknown, S extends number = number> extends StreamResponse {
  declare readonly status: S;
  /** The type of one line, for the compiler only (checked against the route's schema). */
  declare readonly item?: T;
  readonly #line: LineWriter;

  constructor(items: AsyncIterable<T> | Iterable<T>, init: Omit<StreamInit, "type" | "status"> & { status?: S } = {}) {
    const line: LineWriter = { serialize: null };
    super(lines(items, line), { ...init, type: "application/x-ndjson" });
    this.#line = line;
  }

  override writeTo(res: ServerResponse, setCookie: SetCookie, env: ResponseEnv, serializers: SerializerFor | null = null): Promise<void> {
    this.#line.serialize = serializers === null ? null : serializers(this.status);
    return super.writeTo(res, setCookie, env);
  }
}

/** `return ndjson(heroes)`: one JSON line per item, status 200 unless told otherwise. */
export function ndjson<T, S extends number = 200>(
  items: AsyncIterable<T> | Iterable<T>,
  init?: Omit<StreamInit, "type" | "status"> & { status?: S },
): NdjsonResponse<T, S> {
  return new NdjsonResponse(items, init);
}

/** How the lines of one NDJSON response are written; set when the response is sent. */
interface LineWriter {
  serialize: Serialize | null;
}

async function* lines(items: AsyncIterable<unknown> | Iterable<unknown>, line: LineWriter): AsyncGenerator<string> {
  let index = 0;
  for await (const item of items) {
    const { serialize } = line;
    if (serialize === null) yield `${JSON.stringify(item)}\n`;
    else {
      let text: string;
      try {
        text = serialize(item);
      } catch (err) {
        throw err instanceof ResponseSchemaError ? new ResponseSchemaError(err.route, `item ${index}, ${err.reason}`) : err;
      }
      yield `${text}\n`;
    }
    index++;
  }
}

/** A Readable or an async iterable: what a handler may return to stream. */
export function isStreamSource(value: object): value is Readable | AsyncIterable<StreamChunk> {
  return value instanceof Readable || typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function";
}

function isSyncIterable(value: unknown): value is Iterable<StreamChunk> {
  return typeof value === "object" && value !== null && typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === "function";
}
