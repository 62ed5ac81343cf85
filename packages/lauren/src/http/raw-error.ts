/**
 * Error answers written straight on a socket, where node:http has no ServerResponse to give:
 * a refused WebSocket upgrade, an upgrade nobody serves, a request node's parser rejected.
 * Same envelope and header checks as every other error, then `connection: close`.
 */
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { errorBody, type HttpError } from "../errors/index.js";
import { safeHeaders } from "./send.js";

export function writeRawError(socket: Duplex, error: HttpError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorBody(error);
  let head = `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? "Error"}\r\nconnection: close\r\ncontent-type: application/json\r\n`;
  const extra = safeHeaders(error.headers);
  for (let i = 0; i < extra.length; i += 2) {
    if ((extra[i] as string).toLowerCase() !== "connection") head += `${extra[i]}: ${extra[i + 1]}\r\n`;
  }
  head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.once("finish", () => socket.destroy());
  socket.end(head + body);
}
