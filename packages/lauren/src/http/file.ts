/**
 * File responses, streamed from disk: media type from the extension, `Content-Disposition`
 * (RFC 6266, with an RFC 5987 `filename*` for names that are not plain ASCII), validators
 * (`ETag`, `Last-Modified`) with conditional GETs answered 304, and single byte ranges
 * answered 206 (416 when unsatisfiable). Static file serving uses the same writer.
 */
import { createHash } from "node:crypto";
import { createReadStream, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, extname } from "node:path";
import { Readable, type Transform } from "node:stream";
import { lookup } from "mime-types";
import { NotFoundError } from "../errors/index.js";
import { extraHeaders } from "./body.js";
import { type CompressionPolicy, encoder, isCompressible, negotiate } from "./compress.js";
import { asBuffer, type HeaderMap, HttpResponse, type ResponseEnv } from "./reply.js";
import { flatten, type SetCookie } from "./send.js";
import { pipeTo } from "./stream.js";

export interface FileInit {
  /** Media type. Default: from the file's extension (`application/octet-stream` when unknown). */
  type?: string;
  /** `attachment` makes browsers download; `inline` displays. Default: inline, or attachment when `filename` is given. */
  disposition?: "inline" | "attachment";
  /** The name the client should see (any Unicode); encoded safely into `Content-Disposition`. */
  filename?: string;
  /** `Cache-Control` value. Default none. */
  cacheControl?: string;
  /** Send `ETag` and `Last-Modified` and answer conditional requests. Default true. */
  validators?: boolean;
  /** Answer `Range` requests. Default true. */
  ranges?: boolean;
  /** Your own validator (quoted, e.g. a content hash). Default: weak, from size and modification time; for bytes, a SHA-256. */
  etag?: string;
  /** `Last-Modified`. Default: the file's modification time; none for bytes. */
  lastModified?: Date;
  headers?: HeaderMap;
}

export class FileResponse extends HttpResponse {
  readonly source: string | Uint8Array;
  readonly init: FileInit;

  constructor(source: string | Uint8Array, init: FileInit = {}) {
    super();
    this.source = source;
    this.init = init;
  }

  async writeTo(res: ServerResponse, setCookie: SetCookie, env: ResponseEnv): Promise<void> {
    const { init, source } = this;
    let body: FileBody;
    if (typeof source === "string") {
      const stats = await stat(source).catch(() => null);
      if (stats === null || !stats.isFile()) throw new NotFoundError("file not found", {});
      body = diskBody(source, stats);
    } else {
      body = bytesBody(asBuffer(source));
    }
    const type = init.type ?? (typeof source === "string" ? mediaType(source) : "application/octet-stream");
    const extra: (string | number | readonly string[])[] = [];
    const disposition = init.disposition ?? (init.filename === undefined ? null : "attachment");
    if (disposition !== null) {
      const name = init.filename ?? (typeof source === "string" ? basename(source) : "download");
      extra.push("content-disposition", contentDisposition(disposition, name));
    }
    if (init.cacheControl !== undefined) extra.push("cache-control", init.cacheControl);
    extra.push(...extraHeaders(init.headers ?? {}).extra);
    await sendFile(res, body, type, extra, setCookie, env, {
      validators: init.validators !== false,
      ranges: init.ranges !== false,
      ...(init.etag === undefined ? {} : { etag: init.etag }),
      ...(init.lastModified === undefined ? {} : { lastModified: init.lastModified }),
    });
  }
}

/** What `sendFile` sends: a size, validators and a way to read any byte range. */
export interface FileBody {
  readonly size: number;
  readonly etag: string;
  readonly lastModified: Date | null;
  /** The whole content when it is already in memory: sent in one write, without a stream. */
  readonly bytes: Buffer | null;
  open(start: number, end: number): Readable;
}

/** A file on disk; `bytes` when its content is already in memory (the static files cache). */
export function diskBody(path: string, stats: Stats, encoding?: string, bytes: Buffer | null = null): FileBody {
  return {
    size: stats.size,
    etag: `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}${encoding === undefined ? "" : `-${encoding}`}"`,
    lastModified: stats.mtime,
    bytes,
    open: bytes === null ? (start, end) => createReadStream(path, { start, end }) : inMemory(bytes),
  };
}

function bytesBody(bytes: Buffer): FileBody {
  return {
    size: bytes.length,
    etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 27)}"`,
    lastModified: null,
    bytes,
    open: inMemory(bytes),
  };
}

function inMemory(bytes: Buffer): (start: number, end: number) => Readable {
  return (start, end) => Readable.from([bytes.subarray(start, end + 1)]);
}

/**
 * Sends a file from disk (`file("./reports/q3.pdf", { filename: "Q3 report.pdf" })`) or bytes
 * held in memory (`file(png, { type: "image/png" })`), with validators and ranges.
 */
export function file(source: string | Uint8Array, init?: FileInit): FileResponse {
  return new FileResponse(source, init);
}

export function mediaType(path: string): string {
  const type = lookup(extname(path));
  if (type === false) return "application/octet-stream";
  return type.startsWith("text/") || type === "application/javascript" || type === "application/json" ? `${type}; charset=utf-8` : type;
}

/**
 * `attachment; filename="report.pdf"` for plain names; otherwise an ASCII fallback (anything
 * unsafe replaced by `_`) plus `filename*=UTF-8''…` percent-encoded, which browsers prefer.
 */
export function contentDisposition(kind: "inline" | "attachment", filename: string): string {
  const name = basename(filename.replace(/\\/g, "/"));
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  if (fallback === name) return `${kind}; filename="${name}"`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export interface SendFileOptions {
  validators: boolean;
  ranges: boolean;
  /** Set when a precompressed sibling is sent: its encoding, and Vary. */
  encoding?: string;
  /** Say `Vary: Accept-Encoding` even when sent as is (a static file that may have precompressed siblings). */
  vary?: boolean;
  etag?: string;
  lastModified?: Date;
}

export async function sendFile(
  res: ServerResponse,
  body: FileBody,
  type: string,
  extra: (string | number | readonly string[])[],
  setCookie: SetCookie,
  env: ResponseEnv,
  options: SendFileOptions,
): Promise<void> {
  const req = res.req as IncomingMessage | undefined;
  const headers: (string | number | readonly string[])[] = ["content-type", type, ...extra];
  const size = body.size;
  // Compressed on the fly only when nothing is encoded yet, the route compresses, and the type is worth it.
  const policy = options.encoding === undefined ? (env.compression ?? null) : null;
  const mayCompress = policy !== null && isCompressible(type) && size >= policy.threshold;
  const varies = options.encoding !== undefined || options.vary === true || mayCompress;
  let etag: string | null = null;
  let etagAt = -1;
  const modified = options.lastModified ?? body.lastModified;
  if (options.validators) {
    etag = options.etag ?? body.etag;
    const validators: string[] = ["etag", etag];
    if (modified !== null) validators.push("last-modified", modified.toUTCString());
    if (notModified(req, etag, modified)) {
      // A 304 repeats the validators and caching headers, never the body's own (RFC 9110 §15.4.5).
      const out: (string | number | readonly string[])[] = [...validators];
      for (let i = 0; i < extra.length; i += 2) {
        if (String(extra[i]).toLowerCase() !== "content-disposition") out.push(extra[i] as string, extra[i + 1] as string);
      }
      if (varies) out.push("vary", "Accept-Encoding");
      if (setCookie !== null) out.push("set-cookie", setCookie);
      res.writeHead(304, flatten(out));
      res.end();
      return;
    }
    etagAt = headers.length + 1;
    headers.push(...validators);
  }
  if (options.encoding !== undefined) headers.push("content-encoding", options.encoding);
  if (varies) headers.push("vary", "Accept-Encoding");
  let start = 0;
  let end = size - 1;
  let status = 200;
  if (options.ranges) {
    headers.push("accept-ranges", "bytes");
    const range = req?.headers.range;
    if (range !== undefined && (req?.method === "GET" || req?.method === "HEAD") && ifRangeHolds(req, etag, modified)) {
      const parsed = parseRange(range, size);
      if (parsed === "unsatisfiable") {
        const out: (string | string[])[] = ["content-range", `bytes */${size}`];
        if (setCookie !== null) out.push("set-cookie", setCookie);
        out.push("content-length", "0");
        res.writeHead(416, flatten(out));
        res.end();
        return;
      }
      if (parsed !== null) {
        [start, end] = parsed;
        status = 206;
        headers.push("content-range", `bytes ${start}-${end}/${size}`);
      }
    }
  }
  // A range is always sent as is: its offsets count the file's own bytes.
  const encoding = mayCompress && status === 200 ? negotiate(req, policy) : null;
  if (encoding !== null) {
    headers.push("content-encoding", encoding);
    // The compressed bytes differ from the file's, so a strong validator becomes weak (If-None-Match compares weakly).
    if (etagAt !== -1 && etag !== null && !etag.startsWith("W/")) headers[etagAt] = `W/${etag}`;
  }
  if (setCookie !== null) headers.push("set-cookie", setCookie);
  // Compressed on the fly, the length is unknown until the end: chunked.
  if (encoding === null) headers.push("content-length", String(size === 0 ? 0 : end - start + 1));
  res.writeHead(status, flatten(headers));
  if (req?.method === "HEAD" || size === 0) {
    res.end();
    return;
  }
  if (encoding === null && body.bytes !== null) {
    res.end(body.bytes.subarray(start, end + 1));
    return;
  }
  const zip: Transform | null = encoding === null ? null : encoder(encoding, policy as CompressionPolicy);
  await pipeTo(body.open(start, end), zip, res, env);
}

/** If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); weak comparison. */
function notModified(req: IncomingMessage | undefined, etag: string, mtime: Date | null): boolean {
  if (req === undefined || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const inm = req.headers["if-none-match"];
  if (inm !== undefined) {
    if (inm.trim() === "*") return true;
    const bare = etag.replace(/^W\//, "");
    return inm.split(",").some((tag) => tag.trim().replace(/^W\//, "") === bare);
  }
  const ims = req.headers["if-modified-since"];
  if (ims !== undefined && mtime !== null) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) <= Math.floor(since / 1000);
  }
  return false;
}

/** If-Range: the range applies only while the validator matches (RFC 9110 §13.1.5: strong comparison, so weak ETags never do). */
function ifRangeHolds(req: IncomingMessage, etag: string | null, mtime: Date | null): boolean {
  const raw = req.headers["if-range"];
  if (raw === undefined) return true;
  const ifRange = Array.isArray(raw) ? raw.join(",") : raw;
  if (ifRange.startsWith('"') || ifRange.startsWith("W/")) return etag !== null && ifRange === etag && !etag.startsWith("W/");
  const date = Date.parse(ifRange);
  return mtime !== null && !Number.isNaN(date) && Math.floor(mtime.getTime() / 1000) === Math.floor(date / 1000);
}

/**
 * One range out of `bytes=…`: [start, end] inclusive, null to ignore the header (malformed,
 * several ranges: the full file is a valid answer), or "unsatisfiable" (416).
 */
export function parseRange(header: string, size: number): [number, number] | null | "unsatisfiable" {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return null;
  const [, from = "", to = ""] = match;
  if (from === "" && to === "") return null;
  if (from === "") {
    const suffix = Number(to);
    if (suffix === 0) return "unsatisfiable";
    return size === 0 ? "unsatisfiable" : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  if (to !== "" && Number(to) < start) return null;
  if (start >= size) return "unsatisfiable";
  return [start, end];
}
