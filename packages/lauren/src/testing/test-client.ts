/**
 * In-process HTTP client for tests. It drives the very request listener the server uses
 * (through light-my-request, no socket), runs start-up hooks before the first request and
 * waits for background tasks before returning, so assertions see their effects.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { LaurenApplication } from "../app/application.js";
import { loadInject } from "./inject.js";
import { parseSetCookie, type SetCookie } from "./set-cookie.js";

export interface RequestOptions {
  /** Sent as a JSON body with `Content-Type: application/json`. */
  json?: unknown;
  /** A raw body (string or bytes); set the content type yourself. */
  body?: string | Buffer;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  query?: Record<string, string | string[]>;
}

export interface TestClientOptions {
  /** Keep cookies from responses and send them back, like a browser. Off by default. */
  cookieJar?: boolean;
}

export class TestResponse {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly text: string;
  readonly body: Buffer;

  constructor(status: number, headers: OutgoingHttpHeaders, body: Buffer) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.text = body.toString("utf8");
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests read bodies loosely unless they ask for a type
  json<T = any>(): T {
    return JSON.parse(this.text) as T;
  }

  /** One header; repeated headers (Set-Cookie) are joined with ", ". */
  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(", ") : String(value);
  }

  /** Every `Set-Cookie` of the response, parsed. */
  get cookies(): SetCookie[] {
    const raw = this.headers["set-cookie"];
    if (raw === undefined) return [];
    return (Array.isArray(raw) ? raw : [String(raw)]).map(parseSetCookie);
  }

  /** The `Set-Cookie` for `name`, parsed, or undefined. */
  cookie(name: string): SetCookie | undefined {
    return this.cookies.find((c) => c.name === name);
  }
}

export class TestClient {
  readonly app: LaurenApplication;
  /** Cookies kept between requests when the jar is on. */
  readonly jar: Map<string, string> | null;

  constructor(app: LaurenApplication, options: TestClientOptions = {}) {
    this.app = app;
    this.jar = options.cookieJar === true ? new Map() : null;
  }

  get(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("GET", path, options);
  }
  post(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("POST", path, options);
  }
  put(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("PUT", path, options);
  }
  patch(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("PATCH", path, options);
  }
  delete(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("DELETE", path, options);
  }
  head(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("HEAD", path, options);
  }
  options(path: string, options?: RequestOptions): Promise<TestResponse> {
    return this.request("OPTIONS", path, options);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
    const inject = await loadInject();
    await this.app.ensureStarted();
    const headers: Record<string, string> = { ...options.headers };
    let payload: string | Buffer | undefined = options.body;
    if (options.json !== undefined) {
      payload = JSON.stringify(options.json);
      headers["content-type"] ??= "application/json";
    }
    const cookies = new Map(this.jar ?? []);
    for (const [name, value] of Object.entries(options.cookies ?? {})) cookies.set(name, value);
    if (cookies.size > 0 && headers.cookie === undefined) {
      headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    const dispatcher = this.app.parts.dispatcher;
    dispatcher.trackCompletions();
    let served: ServerResponse | undefined;
    const handler = this.app.handler;
    const res = await inject(
      (req, out) => {
        served = out;
        handler(req, out);
      },
      {
        method: method as "GET",
        url: path,
        headers,
        ...(payload === undefined ? {} : { payload }),
        ...(options.query === undefined ? {} : { query: options.query }),
      },
    );
    // Only this request's own work: other requests in flight (a test may overlap them) are not awaited.
    if (served !== undefined) await dispatcher.completion(served);
    // A HEAD response has no body on the wire (node:http drops it); light-my-request 6.6 keeps it.
    const body = method.toUpperCase() === "HEAD" ? Buffer.alloc(0) : res.rawPayload;
    const response = new TestResponse(res.statusCode, res.headers, body);
    if (this.jar !== null) {
      for (const cookie of response.cookies) {
        if (cookie.maxAge === 0 || cookie.value === "") this.jar.delete(cookie.name);
        else this.jar.set(cookie.name, cookie.value);
      }
    }
    return response;
  }

  /**
   * Starts a test with a session already in place: stores `data` as a session and returns
   * the cookie value that identifies it (also put in the jar when it is on).
   */
  async withSession(data: Record<string, unknown>): Promise<string> {
    const engine = this.app.parts.sessions;
    if (engine === null) throw new Error("withSession() needs sessions: pass sessions: { secret } to LaurenFactory.create()");
    const value = await engine.createSessionCookie(data);
    this.jar?.set(engine.cookieName, value);
    return value;
  }
}
