/**
 * The response as middleware sees it. While middleware is in the way, what the pipeline
 * writes is held back: `writeHead` and `end` are recorded, not sent, so middleware can read
 * the status after `await next()`, change headers, or swap the whole response. The first
 * body chunk of a stream (`write`, `flushHeaders`) commits: the head goes out with every
 * header set so far, and from then on everything passes straight through.
 *
 * Only requests that run middleware get this; the others write directly as before.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

type HeaderValue = string | string[];
type Head = (string | HeaderValue)[];
type EndArgs = unknown[];

const PENDING = Symbol("lauren.pendingResponse");
type Hooked = ServerResponse & { [PENDING]: PendingResponse };

/** What `await next()` resolves to. */
export interface ResponseView {
  /** The status written so far (200 until the pipeline answered). */
  readonly status: number;
  /** Whether any response was produced yet. */
  readonly answered: boolean;
  /** True once the head is on the wire (a streaming response): headers can no longer change. */
  readonly committed: boolean;
  getHeader(name: string): HeaderValue | undefined;
  /**
   * Before the pipeline answered: a default the response may override. After: sets it on
   * the response, replacing what the handler set.
   */
  setHeader(name: string, value: string | number | readonly string[]): void;
  removeHeader(name: string): void;
  /** Adds a value to a list header (`Vary`), keeping what is there. */
  appendHeader(name: string, value: string): void;
}

export class HeadersCommittedError extends Error {
  constructor(name: string) {
    super(`cannot set ${name}: the response head was already sent (a streaming response); set it before calling next()`);
    this.name = "HeadersCommittedError";
  }
}

/** Names in a Head are kept lower-case, so a lookup is plain string equality. */
function indexOf(list: Head, lower: string): number {
  for (let i = 0; i < list.length; i += 2) if (list[i] === lower) return i;
  return -1;
}

function toValue(value: string | number | readonly string[]): HeaderValue {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : value.map(String);
}

function mergeList(current: HeaderValue, value: string): string {
  const existing = Array.isArray(current) ? current.join(", ") : current;
  const parts = existing.split(",").map((p) => p.trim().toLowerCase());
  return parts.includes(value.toLowerCase()) ? existing : existing === "" ? value : `${existing}, ${value}`;
}

function flatHead(headers: unknown): Head {
  if (headers === undefined || headers === null) return [];
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      return (headers as [string, HeaderValue][]).flatMap(([name, value]) => [name.toLowerCase(), value]);
    }
    const out: Head = [];
    for (let i = 0; i < headers.length; i += 2) out.push(String(headers[i]).toLowerCase(), headers[i + 1] as HeaderValue);
    return out;
  }
  const out: Head = [];
  for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
    if (value !== undefined) out.push(name.toLowerCase(), toValue(value as string | number | string[]));
  }
  return out;
}

export class PendingResponse implements ResponseView {
  readonly res: ServerResponse;
  /** Headers set before the pipeline answered: defaults the response keeps unless it sets its own. */
  #defaults: Head | null = null;
  #status = 0;
  #message: string | undefined = undefined;
  #head: Head | null = null;
  #end: EndArgs | null = null;
  #committed = false;
  readonly #writeHead: ServerResponse["writeHead"];
  readonly #write: ServerResponse["write"];
  readonly #endFn: ServerResponse["end"];
  readonly #flushHeaders: ServerResponse["flushHeaders"];
  /**
   * 'finish' listeners the response had when middleware took it over. More at `end()` means
   * someone waits for the response to finish (a stream pipeline): then holding the end back
   * would wait forever, so it goes out at once.
   */
  readonly finishWatchers: number;

  constructor(res: ServerResponse) {
    this.res = res;
    this.#writeHead = res.writeHead;
    this.#write = res.write;
    this.#endFn = res.end;
    this.#flushHeaders = res.flushHeaders;
    this.finishWatchers = res.listenerCount("finish");
    const hooked = res as unknown as Record<string | symbol, unknown>;
    hooked[PENDING] = this;
    hooked.writeHead = hookWriteHead;
    hooked.write = hookWrite;
    hooked.end = hookEnd;
    hooked.flushHeaders = hookFlush;
  }

  get status(): number {
    return this.#status === 0 ? this.res.statusCode : this.#status;
  }
  get answered(): boolean {
    return this.#head !== null || this.#end !== null || this.#committed;
  }
  get committed(): boolean {
    return this.#committed;
  }

  getHeader(name: string): HeaderValue | undefined {
    const lower = name.toLowerCase();
    if (this.#head !== null) {
      const at = indexOf(this.#head, lower);
      if (at !== -1) return this.#head[at + 1] as HeaderValue;
    }
    const set = this.res.getHeader(lower);
    if (set !== undefined) return toValue(set as string | number | string[]);
    if (this.#defaults !== null && !this.answered) {
      const at = indexOf(this.#defaults, lower);
      if (at !== -1) return this.#defaults[at + 1] as HeaderValue;
    }
    return undefined;
  }

  setHeader(name: string, value: string | number | readonly string[]): void {
    if (this.#committed) throw new HeadersCommittedError(name);
    const lower = name.toLowerCase();
    if (this.answered) this.#head ??= [];
    else this.#defaults ??= [];
    const target = (this.answered ? this.#head : this.#defaults) as Head;
    const at = indexOf(target, lower);
    if (at === -1) target.push(lower, toValue(value));
    else target[at + 1] = toValue(value);
    if (this.answered) this.res.removeHeader(lower);
  }

  /**
   * Adds precomputed defaults (`["x-content-type-options", "nosniff", …]`) in one go; the
   * built-ins use it so their cost is an array copy.
   */
  addDefaults(pairs: readonly string[]): void {
    if (this.#defaults === null) this.#defaults = pairs.slice();
    else for (let i = 0; i < pairs.length; i += 2) this.setHeader(pairs[i] as string, pairs[i + 1] as string);
  }

  removeHeader(name: string): void {
    if (this.#committed) throw new HeadersCommittedError(name);
    const lower = name.toLowerCase();
    for (const list of [this.#head, this.#defaults]) {
      if (list === null) continue;
      const at = indexOf(list, lower);
      if (at !== -1) list.splice(at, 2);
    }
    this.res.removeHeader(lower);
  }

  appendHeader(name: string, value: string): void {
    const current = this.getHeader(name);
    this.setHeader(name, current === undefined ? value : mergeList(current, value));
  }

  /** Forgets a recorded response, so another (an error, a middleware's reply) replaces it. */
  discard(): void {
    if (this.#committed) return;
    this.#head = null;
    this.#end = null;
    this.#status = 0;
    this.#message = undefined;
  }

  recordHead(status: number, message: string | undefined, headers: unknown): void {
    this.#status = status;
    this.#message = message;
    this.#head = flatHead(headers);
  }

  recordEnd(args: EndArgs): void {
    this.#end = args;
  }

  /** Sends the head now (a stream starts) and stops intercepting. */
  commit(): void {
    if (this.#committed) return;
    this.#committed = true;
    const res = this.res;
    const restore = res as unknown as Record<string, unknown>;
    restore.writeHead = this.#writeHead;
    restore.write = this.#write;
    restore.end = this.#endFn;
    restore.flushHeaders = this.#flushHeaders;
    const defaults = this.#defaults;
    const head = this.#head;
    if (head === null) {
      // Headers set with setHeader (or none): the implicit head node writes picks them up.
      if (defaults !== null) {
        for (let i = 0; i < defaults.length; i += 2) {
          const name = defaults[i] as string;
          if (!res.hasHeader(name)) res.setHeader(name, defaults[i + 1] as HeaderValue);
          else if (name === "vary") res.setHeader(name, mergeList(toValue(res.getHeader(name) as string), defaults[i + 1] as string));
        }
      }
      return;
    }
    if (defaults !== null) {
      for (let i = 0; i < defaults.length; i += 2) {
        const name = defaults[i] as string;
        const at = indexOf(head, name);
        if (at === -1) {
          if (!res.hasHeader(name)) head.push(name, defaults[i + 1] as HeaderValue);
        } else if (name === "vary") head[at + 1] = mergeList(head[at + 1] as HeaderValue, defaults[i + 1] as string);
      }
    }
    if (this.#message === undefined) res.writeHead(this.#status, head as never);
    else res.writeHead(this.#status, this.#message, head as never);
  }

  /** Writes what was recorded; called once the middleware around the request returned. */
  flush(): void {
    const end = this.#end;
    this.commit();
    if (end !== null) (this.res.end as (...a: unknown[]) => void)(...end);
  }
}

function hookWriteHead(this: Hooked, status: number, message?: unknown, headers?: unknown): Hooked {
  if (typeof message === "string") this[PENDING].recordHead(status, message, headers);
  else this[PENDING].recordHead(status, undefined, message);
  return this;
}

function hookWrite(this: Hooked, ...args: unknown[]): boolean {
  this[PENDING].commit();
  return (this.write as (...a: unknown[]) => boolean)(...args);
}

function hookEnd(this: Hooked, ...args: unknown[]): Hooked {
  const pending = this[PENDING];
  if (this.listenerCount("finish") > pending.finishWatchers) {
    pending.commit();
    return (this.end as (...a: unknown[]) => Hooked)(...args);
  }
  pending.recordEnd(args);
  return this;
}

function hookFlush(this: Hooked): void {
  this[PENDING].commit();
  this.flushHeaders();
}
