/**
 * Node's own IncomingMessage and ServerResponse on a socket that goes nowhere, to drive the
 * dispatcher without the kernel: a benchmark then measures the framework's work per request
 * and node:http's header and body writing, nothing of the network. Real objects rather than
 * hand-written stand-ins, so the dispatcher may use any of their API.
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { Duplex } from "node:stream";

/** A socket that accepts every write at once and never has anything to read. */
function nullSocket() {
  const socket = new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
    writev(_chunks, callback) {
      callback();
    },
  });
  Object.assign(socket, { remoteAddress: "127.0.0.1", remotePort: 40000, encrypted: false, setTimeout() {} });
  return socket;
}

export function fakeRequest(method, url, headers, body) {
  const req = new IncomingMessage(nullSocket());
  req.method = method;
  req.url = url;
  req.httpVersion = "1.1";
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) };
  if (body !== undefined) req.push(Buffer.from(body));
  req.push(null);
  req.complete = true;
  return req;
}

/** Sends one request through `handler` and resolves with the status, the head as written and the body once it ended. */
export function dispatch(handler, method, url, headers = {}, body) {
  const req = fakeRequest(method, url, headers, body);
  const res = new ServerResponse(req);
  res.assignSocket(req.socket);
  /** @type {Buffer[]} */
  const chunks = [];
  const write = res.write;
  res.write = function (chunk, ...rest) {
    if (chunk) chunks.push(Buffer.from(chunk));
    return write.call(this, chunk, ...rest);
  };
  const end = res.end;
  res.end = function (chunk, ...rest) {
    if (chunk && typeof chunk !== "function") chunks.push(Buffer.from(chunk));
    return end.call(this, chunk, ...rest);
  };
  return new Promise((resolve, reject) => {
    res.once("finish", () => {
      // The head as written (headers given to writeHead are not kept by getHeaders()).
      const head = String(res._header ?? "");
      resolve({ statusCode: res.statusCode, head, body: Buffer.concat(chunks) });
    });
    res.once("error", reject);
    handler(req, res);
  });
}
