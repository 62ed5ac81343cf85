/**
 * The request as handlers and guards see it: a thin wrapper over node's IncomingMessage
 * that parses query, cookies and body only when first asked, and enforces the body limit.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import { parse as parseCookies } from "cookie";
import { PayloadTooLargeError } from "../errors/index.js";

export type ParsedQuery = Readonly<Record<string, string | string[] | undefined>>;

const EMPTY_BUFFER = Buffer.alloc(0);

/**
 * The client went away (closed or reset the connection) before its whole body arrived. No
 * one is left to answer and nothing is wrong with the server, so the dispatcher notes it in
 * one short log line instead of reporting an error with a stack.
 */
export class ClientAbortedError extends Error {
  override readonly name = "ClientAbortedError";
}

export class LaurenRequest {
  readonly raw: IncomingMessage;
  readonly method: string;
  /** The path without the query string, as sent (not decoded). */
  readonly path: string;
  /** The request id (`requestId()` middleware sets it), or null. */
  id: string | null = null;
  readonly #rawQuery: string;
  readonly #maxBodySize: number;
  readonly #proxyHops: number;
  #query: ParsedQuery | undefined = undefined;
  #cookies: Readonly<Record<string, string | undefined>> | undefined = undefined;
  #body: Promise<Buffer> | undefined = undefined;

  constructor(raw: IncomingMessage, path: string, rawQuery: string, maxBodySize: number, proxyHops: number) {
    this.raw = raw;
    this.method = raw.method ?? "GET";
    this.path = path;
    this.#rawQuery = rawQuery;
    this.#maxBodySize = maxBodySize;
    this.#proxyHops = proxyHops;
  }

  /** The full request target (path and query), as sent. */
  get url(): string {
    return this.raw.url ?? "/";
  }

  get headers(): IncomingHttpHeaders {
    return this.raw.headers;
  }

  /** One header, lower-case name; repeated headers are joined with ", ". */
  header(name: string): string | undefined {
    const value = this.raw.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  get query(): ParsedQuery {
    this.#query ??= this.#rawQuery === "" ? Object.freeze(Object.create(null)) : parseQuery(this.#rawQuery);
    return this.#query as ParsedQuery;
  }

  get cookies(): Readonly<Record<string, string | undefined>> {
    const header = this.raw.headers.cookie;
    this.#cookies ??= header === undefined ? Object.freeze(Object.create(null)) : parseCookies(header);
    return this.#cookies as Readonly<Record<string, string | undefined>>;
  }

  /**
   * The client address. With `trustProxy`, the `X-Forwarded-For` entry added by the
   * outermost trusted proxy: counted from the right, because entries further left were
   * sent by the client and can say anything.
   */
  get ip(): string | undefined {
    if (this.#proxyHops > 0) {
      const forwarded = this.header("x-forwarded-for");
      if (forwarded !== undefined) {
        const hops = forwarded.split(",");
        return hops[Math.max(0, hops.length - this.#proxyHops)]?.trim();
      }
    }
    return this.raw.socket?.remoteAddress;
  }

  /** The raw body, at most `maxBodySize` bytes (413 beyond); read once and cached. */
  bytes(): Promise<Buffer> {
    this.#body ??= readBody(this.raw, this.#maxBodySize);
    return this.#body;
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString("utf8");
  }
}

/**
 * Requests that sent `Expect: 100-continue`, with the response to send `100 Continue` on.
 * The interim answer goes out only when a handler actually reads the body, so a guard's 403
 * or an over-size 413 never makes the client upload anything.
 */
const awaitingContinue = new WeakMap<IncomingMessage, ServerResponse>();

export function deferContinue(req: IncomingMessage, res: ServerResponse): void {
  awaitingContinue.set(req, res);
}

function tooLarge(limit: number, close: boolean): PayloadTooLargeError {
  const options = close ? { headers: { connection: "close" } } : {};
  return new PayloadTooLargeError(`body exceeds ${limit} bytes`, { max_body_size: limit }, options);
}

/** How much of an over-size body is read and thrown away before the connection is cut. */
const DISCARD_FACTOR = 8;
const DISCARD_TIMEOUT_MS = 10_000;

/**
 * Reads and drops the rest of a refused body so the client, which may still be uploading,
 * receives the 413: closing a socket with unread data resets it, and the answer is lost.
 * Bounded in bytes and time, after which the connection is cut.
 */
function discard(req: IncomingMessage, limit: number): void {
  let left = Math.max(limit, 1024 * 1024) * DISCARD_FACTOR;
  const cut = (): void => {
    req.socket?.destroy();
  };
  const timer = setTimeout(cut, DISCARD_TIMEOUT_MS);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) cut();
  });
  req.once("close", () => clearTimeout(timer));
  req.resume();
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const continueOn = awaitingContinue.get(req);
  awaitingContinue.delete(req);
  const declared = req.headers["content-length"];
  if (declared !== undefined) {
    const length = Number(declared);
    if (length > limit) {
      // A client waiting for 100 Continue has sent nothing, so closing is clean; any other is uploading now.
      if (continueOn === undefined) discard(req, limit);
      return Promise.reject(tooLarge(limit, continueOn !== undefined));
    }
    if (length === 0) return Promise.resolve(EMPTY_BUFFER);
  }
  if (req.readableEnded) return Promise.resolve(EMPTY_BUFFER);
  continueOn?.writeContinue();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        discard(req, limit);
        reject(tooLarge(limit, false));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (): void => {
      cleanup();
      reject(new ClientAbortedError("client closed the connection before sending the whole body"));
    };
    const onClose = (): void => {
      if (!req.complete) onError();
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
