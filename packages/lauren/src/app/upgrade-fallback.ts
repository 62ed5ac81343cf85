/**
 * An `Upgrade` request no gateway claims (an h2c offer from `curl --http2`, a WebSocket to
 * a plain route) is served as the ordinary request it also is: RFC 9110 §7.8 lets a server
 * ignore an upgrade it does not support. node:http has already handed the socket over by
 * then, so the response is written on a one-off ServerResponse and the connection closes
 * after it.
 */
import { IncomingMessage, type RequestListener, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { BadRequestError, PayloadTooLargeError } from "../errors/index.js";
import { writeRawError } from "../http/raw-error.js";

const ignore = (): void => undefined;

export function serveWithoutUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, listener: RequestListener, maxBody: number): void {
  // node stopped watching this socket at the upgrade: a reset must not become an uncaught 'error'.
  socket.on("error", ignore);
  if (req.headers["transfer-encoding"] !== undefined) {
    writeRawError(socket, new BadRequestError("a chunked body cannot come with an Upgrade offer; send it without Upgrade", {}));
    return;
  }
  const length = Number(req.headers["content-length"] ?? 0);
  if (length > maxBody) {
    writeRawError(socket, new PayloadTooLargeError(`body exceeds ${maxBody} bytes`, { max_body_size: maxBody }));
    return;
  }
  // node ended `req` at the headers and left the body on the socket: rebuild the request with it.
  const plain = new IncomingMessage(socket as Socket);
  plain.method = req.method as string;
  plain.url = req.url as string;
  plain.headers = req.headers;
  plain.rawHeaders = req.rawHeaders;
  plain.httpVersion = req.httpVersion;
  plain.httpVersionMajor = req.httpVersionMajor;
  plain.httpVersionMinor = req.httpVersionMinor;
  feedBody(plain, socket, head, length);
  const res = new ServerResponse(plain);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once("finish", () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  // A client gone before sending its whole body: the body reader sees an incomplete request close.
  socket.once("close", () => {
    if (!plain.complete) plain.destroy();
  });
  listener(plain, res);
}

function feedBody(req: IncomingMessage, socket: Duplex, head: Buffer, length: number): void {
  let left = length;
  const take = (chunk: Buffer): void => {
    if (left <= 0) return;
    const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
    left -= part.length;
    req.push(part);
    if (left === 0) finish();
  };
  const finish = (): void => {
    socket.off("data", take);
    req.complete = true;
    req.push(null);
  };
  if (left === 0) {
    finish();
    return;
  }
  take(head);
  if (left > 0) {
    socket.on("data", take);
    socket.resume();
  }
}
