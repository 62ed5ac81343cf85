/**
 * The WebSocket Origin check, against cross-site WebSocket hijacking: a page on another
 * site could otherwise open a socket that carries the user's cookies. Browsers always send
 * `Origin` on a WebSocket handshake; a request without one comes from a non-browser client,
 * which could send any Origin it likes, so the check has nothing to protect there.
 * The policy is compiled once per gateway; the check itself is a Set lookup.
 */
import type { IncomingHttpHeaders } from "node:http";
import { ConfigurationError } from "../../errors/index.js";

/** `"*"`: any origin. Otherwise the app's own origin (same host) plus the listed origins. */
export type OriginPolicy = "*" | ReadonlySet<string>;

/** `scheme://host[:port]`, nothing after it. */
const ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s@]+$/;

/** Origins compare case-insensitively and without a trailing slash. */
export function normaliseOrigin(origin: string): string {
  const lower = origin.trim().toLowerCase();
  return lower.endsWith("/") ? lower.slice(0, -1) : lower;
}

/** Checks an allowlist from the app's or a gateway's options; `where` names it in the error. */
export function compileOriginPolicy(list: readonly string[] | "*" | undefined, where: string): OriginPolicy | undefined {
  if (list === undefined || list === "*") return list;
  if (!Array.isArray(list)) {
    throw new ConfigurationError(`${where}: allowedOrigins must be "*" or a list of origins such as ["https://hq.example"].`);
  }
  const out = new Set<string>();
  for (const entry of list) {
    const origin = typeof entry === "string" ? normaliseOrigin(entry) : "";
    if (!ORIGIN_SHAPE.test(origin)) {
      throw new ConfigurationError(
        `${where}: allowedOrigins entry ${JSON.stringify(entry)} is not an origin; write scheme://host[:port], such as "https://hq.example".`,
      );
    }
    out.add(origin);
  }
  return out;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: ":80", ws: ":80", https: ":443", wss: ":443" };

/** Whether `origin` names the host the request was sent to; a scheme's default port may be written or not. */
function sameHost(origin: string, host: string): boolean {
  const start = origin.indexOf("://");
  if (start === -1) return false;
  const port = DEFAULT_PORTS[origin.slice(0, start)];
  const strip = (h: string): string => (port !== undefined && h.endsWith(port) ? h.slice(0, -port.length) : h);
  return strip(origin.slice(start + 3)) === strip(host);
}

function requestHost(headers: IncomingHttpHeaders, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = headers["x-forwarded-host"];
    const value = Array.isArray(forwarded) ? forwarded.join(",") : forwarded;
    if (value !== undefined && value !== "")
      return value
        .slice(value.lastIndexOf(",") + 1)
        .trim()
        .toLowerCase();
  }
  return headers.host?.toLowerCase();
}

/**
 * Whether an upgrade may proceed. No Origin: yes (not a browser). `Origin: null` (sandboxed
 * frames, file: pages, some redirects): no, since it cannot be told apart from any other
 * site. Otherwise: the listed origins, or the same host the request was sent to.
 */
export function originAllowed(policy: OriginPolicy, headers: IncomingHttpHeaders, trustProxy: boolean): boolean {
  if (policy === "*") return true;
  const raw = headers.origin;
  if (raw === undefined) return true;
  const origin = normaliseOrigin(raw);
  if (policy.has(origin)) return true;
  const host = requestHost(headers, trustProxy);
  return host !== undefined && sameHost(origin, host);
}
