/**
 * Response compression (gzip, brotli), opt-in per app or route and compiled into the route's
 * response environment: a route without it never looks at `Accept-Encoding`. Small bodies,
 * media types that are already compressed and server-sent events are sent as they are.
 */
import type { IncomingMessage } from "node:http";
import type { Transform } from "node:stream";
import { promisify } from "node:util";
import { brotliCompress, constants, createBrotliCompress, createGzip, gzip } from "node:zlib";

export type Encoding = "br" | "gzip";

export interface CompressionOptions {
  /** Smallest body, in bytes, worth compressing. Default 1024. Streams are always compressed. */
  threshold?: number;
  /** Encodings offered, in order of preference. Default `["br", "gzip"]`. */
  encodings?: readonly Encoding[];
  /** Brotli quality 0–11. Default 4, a good speed/size balance for dynamic responses. */
  brotliQuality?: number;
  /** gzip level 1–9. Default 6. */
  gzipLevel?: number;
}

export interface CompressionPolicy {
  readonly threshold: number;
  readonly encodings: readonly Encoding[];
  readonly brotliQuality: number;
  readonly gzipLevel: number;
}

export function compressionPolicy(options: CompressionOptions | true): CompressionPolicy {
  const o = options === true ? {} : options;
  return {
    threshold: o.threshold ?? 1024,
    encodings: o.encodings ?? ["br", "gzip"],
    brotliQuality: o.brotliQuality ?? 4,
    gzipLevel: o.gzipLevel ?? 6,
  };
}

/**
 * A route's (or a static mount's) own `compress` option over the app's policy: `false` is
 * off, `true` the app's policy (or the defaults), options their own policy. The app's policy
 * object is shared when unchanged.
 */
export function ownPolicy(own: boolean | CompressionOptions | undefined, app: CompressionPolicy | null): CompressionPolicy | null {
  if (own === undefined) return app;
  if (own === false) return null;
  return own === true && app !== null ? app : compressionPolicy(own);
}

/** Media types worth compressing: text, JSON, XML, JavaScript, SVG, NDJSON. Never event streams. */
const COMPRESSIBLE =
  /^(?:text\/(?!event-stream)|application\/(?:json|javascript|xml|x-ndjson|ld\+json|manifest\+json|wasm)|[^;]*\+(?:json|xml)|image\/svg\+xml)/i;

export function isCompressible(type: string | null): boolean {
  return type !== null && COMPRESSIBLE.test(type);
}

/**
 * The encoding to use for this request, or null. `Accept-Encoding` is read with its q-values;
 * `q=0` refuses an encoding; the server's preference order breaks ties.
 */
export function negotiate(req: IncomingMessage | undefined, policy: CompressionPolicy): Encoding | null {
  const header = req?.headers["accept-encoding"];
  if (header === undefined || header === "") return null;
  let best: Encoding | null = null;
  let bestQ = 0;
  for (const encoding of policy.encodings) {
    const q = quality(header, encoding);
    if (q > bestQ) {
      best = encoding;
      bestQ = q;
    }
  }
  return best;
}

function quality(header: string, encoding: string): number {
  let wildcard = 0;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().split(";");
    const token = name.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split("=");
      if (k?.trim() === "q") q = Number(v);
    }
    if (!Number.isFinite(q)) q = 0;
    if (token === encoding) return q;
    if (token === "*") wildcard = q;
  }
  return wildcard;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Compresses a whole body off the main thread (zlib's thread pool). */
export function compressBody(body: Buffer, encoding: Encoding, policy: CompressionPolicy): Promise<Buffer> {
  if (encoding === "br") {
    return brotli(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: policy.brotliQuality,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
  }
  return gzipAsync(body, { level: policy.gzipLevel });
}

/** A compressing transform for streamed bodies; each write is flushed so chunks are not held back. */
export function encoder(encoding: Encoding, policy: CompressionPolicy): Transform {
  if (encoding === "br") {
    return createBrotliCompress({
      flush: constants.BROTLI_OPERATION_FLUSH,
      params: { [constants.BROTLI_PARAM_QUALITY]: policy.brotliQuality },
    });
  }
  return createGzip({ level: policy.gzipLevel, flush: constants.Z_SYNC_FLUSH });
}
