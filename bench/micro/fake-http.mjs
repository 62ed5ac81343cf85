/**
 * Just enough of IncomingMessage and ServerResponse to drive the dispatcher without a socket,
 * so a benchmark measures the framework's own work per request and nothing of the kernel's.
 */
import { Readable } from "node:stream";

export function fakeRequest(method, url, headers, body) {
  const req = body === undefined ? new Readable({ read() {} }) : Readable.from([Buffer.from(body)]);
  if (body === undefined) req.push(null);
  req.method = method;
  req.url = url;
  req.headers = body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) };
  req.socket = { remoteAddress: "127.0.0.1" };
  req.complete = true;
  return req;
}

export class FakeResponse {
  statusCode = 0;
  headersSent = false;
  headers = null;
  body = null;
  #done;
  finished = new Promise((resolve) => {
    this.#done = resolve;
  });
  writeHead(status, headers) {
    this.statusCode = status;
    this.headers = headers;
    this.headersSent = true;
    return this;
  }
  end(body) {
    this.body = body;
    this.#done();
  }
  destroy() {
    this.#done();
  }
  on() {
    return this;
  }
  once() {
    return this;
  }
}

/** Sends one request through `handler` and resolves with the response once it ended. */
export async function dispatch(handler, method, url, headers = {}, body) {
  const res = new FakeResponse();
  handler(fakeRequest(method, url, headers, body), res);
  await res.finished;
  return res;
}
