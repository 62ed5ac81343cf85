/**
 * Refusing an upgrade: the socket has no ServerResponse yet, so the HTTP answer (status,
 * the usual JSON error envelope, `connection: close`) is written on it by hand.
 */
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { errorBody, type HttpError } from "../../errors/index.js";

export function refuse(socket: Duplex, error: HttpError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorBody(error);
  let head = `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? "Error"}\r\nconnection: close\r\ncontent-type: application/json\r\n`;
  for (const [name, value] of Object.entries(error.headers ?? {})) {
    if (name.toLowerCase() !== "connection") head += `${name}: ${value}\r\n`;
  }
  head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.once("finish", () => socket.destroy());
  socket.end(head + body);
}
