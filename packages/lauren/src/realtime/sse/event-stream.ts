/**
 * `EventStream` writes a producer's events as `text/event-stream`, one flushed frame per
 * event. It pulls the next event only once the socket accepted the previous frame (a slow
 * reader cannot make the server buffer without bound), and it stops the producer with
 * `return()` (so its `finally` runs) when the client leaves or the app shuts down. The
 * promise `writeTo` returns settles when the stream is over, so graceful shutdown counts
 * an open stream as a request in flight.
 */
import type { ServerResponse } from "node:http";
import type { HeaderMap, ResponseEnv } from "../../http/reply.js";
import { HttpResponse } from "../../http/reply.js";
import type { SetCookie } from "../../http/send.js";
import { formatEvent, frameItem, type SseItem } from "./event.js";
import { FrameWriter, STOPPED } from "./frame-writer.js";

export interface EventStreamOptions {
  /** Status of the response. Default 200. */
  status?: number;
  /** Extra response headers; a header named here replaces the SSE default of that name. */
  headers?: HeaderMap;
  /** Send a comment frame after this many idle milliseconds, so proxies keep the connection open. */
  keepAlive?: number;
  /** Text of the keep-alive comment. Default "keep-alive". */
  keepAliveComment?: string;
}

export type EventProducer = AsyncIterable<SseItem> | Iterable<SseItem>;

const SSE_HEADERS: readonly (readonly [string, string])[] = [
  ["content-type", "text/event-stream; charset=utf-8"],
  ["cache-control", "no-cache"],
  ["connection", "keep-alive"],
  ["x-accel-buffering", "no"],
];

type AnyIterator = Iterator<SseItem> | AsyncIterator<SseItem>;

export class EventStream extends HttpResponse {
  readonly status: number;
  readonly headers: HeaderMap;
  readonly keepAlive: number | null;
  readonly keepAliveComment: string;
  #source: EventProducer | null;

  constructor(source: EventProducer, options: EventStreamOptions = {}) {
    super();
    const { keepAlive } = options;
    if (keepAlive !== undefined && !(Number.isFinite(keepAlive) && keepAlive > 0)) {
      throw new TypeError(`EventStream keepAlive must be a positive number of milliseconds, got ${String(keepAlive)}`);
    }
    if (!isIterable(source)) {
      throw new TypeError("EventStream needs an async or sync iterable (an async generator, an array…)");
    }
    this.#source = source;
    this.status = options.status ?? 200;
    this.headers = options.headers ?? {};
    this.keepAlive = keepAlive ?? null;
    this.keepAliveComment = options.keepAliveComment ?? "keep-alive";
  }

  async writeTo(res: ServerResponse, setCookie: SetCookie, env: ResponseEnv): Promise<void> {
    const source = this.#source;
    if (source === null) throw new Error("this EventStream was already sent; return a new one per request");
    // Written once: dropping the source lets the producer be collected with the stream.
    this.#source = null;
    const iterator = openIterator(source);
    res.writeHead(this.status, this.#headerList(setCookie, res.shouldKeepAlive));
    if (res.req?.method === "HEAD" || env.signal.aborted || res.destroyed) {
      res.end();
      stop(iterator, env);
      return;
    }
    res.flushHeaders();
    const writer = new FrameWriter(res, env.signal);
    if (this.keepAlive !== null) writer.keepAlive(this.keepAlive, formatEvent({ comment: this.keepAliveComment }));
    let finished = false;
    try {
      for (;;) {
        const pending = iterator.next();
        const next = isThenable(pending) ? await writer.wait(pending) : pending;
        if (next === STOPPED || writer.reason !== null) break;
        if (next.done === true) {
          finished = true;
          break;
        }
        if (!writer.write(frameOf(next.value)) && (await writer.drained()) === STOPPED) break;
      }
    } catch (error) {
      env.logger.error("event stream producer failed; ending the stream", { error });
    }
    const reason = writer.reason;
    writer.dispose();
    // Stopped early (client left, shutdown, an event that could not be framed): let the producer clean up.
    if (!finished) stop(iterator, env);
    if (reason !== "client-left") res.end();
  }

  /**
   * A client that sent `Connection: close` (or speaks HTTP/1.0) is told `close`, and node then
   * closes the socket when the stream ends (RFC 9112 §9.6); `keep-alive` would hold it open.
   */
  #headerList(setCookie: SetCookie, keepAlive: boolean): (string | string[])[] {
    const own = new Set(Object.keys(this.headers).map((k) => k.toLowerCase()));
    const out: (string | string[])[] = [];
    for (const [name, value] of SSE_HEADERS) {
      if (own.has(name)) continue;
      out.push(name, name === "connection" && !keepAlive ? "close" : value);
    }
    for (const [name, value] of Object.entries(this.headers)) {
      if (Array.isArray(value)) for (const v of value) out.push(name, String(v));
      else out.push(name, String(value));
    }
    if (setCookie !== null) out.push("set-cookie", setCookie);
    return out;
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function isIterable(source: unknown): source is EventProducer {
  if (typeof source !== "object" || source === null) return false;
  return Symbol.asyncIterator in source || Symbol.iterator in source;
}

function openIterator(source: EventProducer): AnyIterator {
  const asyncIt = (source as Partial<AsyncIterable<SseItem>>)[Symbol.asyncIterator];
  if (typeof asyncIt === "function") return asyncIt.call(source);
  return (source as Iterable<SseItem>)[Symbol.iterator]();
}

/** Asks the producer to finish (its `finally` runs) without waiting for it. */
function stop(iterator: AnyIterator, env: ResponseEnv): void {
  if (typeof iterator.return !== "function") return;
  try {
    const result: unknown = iterator.return();
    if (isThenable(result)) {
      result.then(undefined, (error: unknown) => env.logger.error("event stream producer failed while stopping", { error }));
    }
  } catch (error) {
    env.logger.error("event stream producer failed while stopping", { error });
  }
}

/**
 * The last string item's frame, encoded. A room's message reaches every stream that listens
 * to the room one after the other, so it is framed and encoded once rather than per stream.
 */
let recent: { readonly text: string; readonly frame: Buffer } | null = null;

function frameOf(item: SseItem): string | Buffer {
  if (typeof item !== "string") return frameItem(item);
  if (recent !== null && recent.text === item) return recent.frame;
  const frame = Buffer.from(frameItem(item), "utf8");
  recent = { text: item, frame };
  return frame;
}
