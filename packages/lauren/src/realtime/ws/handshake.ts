/**
 * The handshake checks of RFC 6455 §4.2.1, made before ws sees the request: ws would answer a
 * bad handshake itself with a plain-text page, and every answer the server writes carries
 * the JSON envelope; made before the Origin check and the guards, so a malformed request
 * never reaches them. Should ws still refuse something, its `wsClientError` hook brings it
 * to `refuseMalformed` instead of ws's own page.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { BadRequestError, type HttpError } from "../../errors/index.js";
import { refuse } from "./refuse.js";

/** 16 random bytes in base64, as RFC 6455 asks (and ws checks). */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** A subprotocol name: an HTTP token (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The protocol versions ws speaks, named in the refusal as the RFC asks. */
const VERSIONS = "13, 8";

/**
 * Whether this upgrade is a WebSocket handshake at all: a GET whose `Upgrade` names
 * websocket. Anything else (an h2c offer, a POST) is served as the plain request it also is.
 */
export function offersWebSocket(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return req.method === "GET" && upgrade !== undefined && /(?:^|,)\s*websocket\s*(?:,|$)/i.test(upgrade);
}

/** The reason a WebSocket handshake is malformed, as the 400 to answer it with, or null. */
export function handshakeError(req: IncomingMessage): HttpError | null {
  if ((req.headers.upgrade as string).trim().toLowerCase() !== "websocket") {
    return new BadRequestError("invalid WebSocket handshake: Upgrade must be exactly websocket", {});
  }
  const key = req.headers["sec-websocket-key"];
  if (key === undefined || !KEY.test(key)) {
    return new BadRequestError("invalid WebSocket handshake: missing or malformed Sec-WebSocket-Key", {});
  }
  const version = Number(req.headers["sec-websocket-version"]);
  if (version !== 13 && version !== 8) {
    return new BadRequestError(
      "invalid WebSocket handshake: unsupported Sec-WebSocket-Version",
      { supported: [13, 8] },
      { headers: { "sec-websocket-version": VERSIONS } },
    );
  }
  const protocols = req.headers["sec-websocket-protocol"];
  if (protocols !== undefined && !wellFormedProtocols(protocols)) {
    return new BadRequestError("invalid WebSocket handshake: malformed Sec-WebSocket-Protocol", {});
  }
  return null;
}

/** A comma-separated list of distinct tokens, as ws accepts it. */
function wellFormedProtocols(header: string): boolean {
  const names = header.split(",").map((name) => name.trim());
  return names.every((name) => TOKEN.test(name)) && new Set(names).size === names.length;
}

/** ws's `wsClientError` listener: a handshake ws refuses gets the envelope, never ws's page. */
export function refuseMalformed(error: Error, socket: Duplex): void {
  // ws's reasons are fixed sentences of its own ("Invalid Sec-WebSocket-Protocol header").
  const reason = error.message.charAt(0).toLowerCase() + error.message.slice(1);
  refuse(socket, new BadRequestError(`invalid WebSocket handshake: ${reason}`, {}));
}
