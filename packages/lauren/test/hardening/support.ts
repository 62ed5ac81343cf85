import { connect } from "node:net";

/**
 * Writes `bytes` on a fresh TCP connection and collects everything the server sends until
 * it closes the connection (or `timeoutMs` passes, which rejects).
 */
export function rawExchange(url: string, bytes: string | Buffer, timeoutMs = 10_000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection still open after ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(received).toString())}`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received).toString("utf8"));
    });
    socket.write(bytes, () => undefined);
  });
}

/** Splits a raw HTTP/1.1 answer into its status line, header lines and body. */
export function splitResponse(raw: string): { status: number; headers: string[]; body: string } {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, end).split("\r\n");
  return { status: Number((head[0] ?? "").split(" ")[1]), headers: head.slice(1), body: raw.slice(end + 4) };
}

/** Writes `bytes` on a fresh connection and resolves with the first chunk the server sends, then hangs up. */
export function firstAnswer(url: string, bytes: string, timeoutMs = 5000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("data", (chunk: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(chunk.toString("utf8"));
    });
    socket.on("error", reject);
    socket.write(bytes);
  });
}
