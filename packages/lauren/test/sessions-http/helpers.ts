/**
 * Fixtures for the HTTP-level session tests: secrets, a settable clock, a logger that
 * remembers, stores that count, fail or wait on a gate, and a real-socket client. The test
 * apps themselves live in the test files, next to the behaviour they pin.
 */
import { createHmac } from "node:crypto";
import type { LaurenApplication, Logger } from "../../src/index.js";
import { InMemorySessionStore } from "../../src/index.js";

export const SECRET = "sessions-http-test-secret-32-bytes-long!";
export const OTHER_SECRET = "a-different-secret-that-is-also-32-bytes";
export const NOW = 1_767_225_600;

/** A signed server-side session cookie value: a 43-character id, a dot, 64 hex digits. */
export const SERVER_COOKIE = /^[A-Za-z0-9_-]{43}\.[0-9a-f]{64}$/;

export class Clock {
  now: number;
  readonly read = (): number => this.now;
  constructor(now = NOW) {
    this.now = now;
  }
}

export interface LogEntry {
  readonly level: "info" | "warn" | "error";
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: "info", message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: "warn", message, fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: "error", message, fields });
  }
  errors(): LogEntry[] {
    return this.entries.filter((e) => e.level === "error");
  }
}

type SaveOptions = Parameters<InMemorySessionStore["save"]>[2];

/** The default store, counting every call so a test can prove what did (not) touch it. */
export class CountingStore extends InMemorySessionStore {
  loads = 0;
  touches = 0;
  deletes = 0;
  readonly saves: Array<{ id: string; data: Record<string, unknown>; opts: SaveOptions }> = [];

  override load(id: string): Promise<Record<string, unknown> | null> {
    this.loads++;
    return super.load(id);
  }
  override save(id: string, data: Record<string, unknown>, opts: SaveOptions): Promise<boolean> {
    this.saves.push({ id, data: { ...data }, opts });
    return super.save(id, data, opts);
  }
  override touch(id: string, ttl: number): Promise<void> {
    this.touches++;
    return super.touch(id, ttl);
  }
  override delete(id: string): Promise<void> {
    this.deletes++;
    return super.delete(id);
  }
  /** What the store holds for `id` right now, without counting as a load. */
  peek(id: string): Promise<Record<string, unknown> | null> {
    return super.load(id);
  }
}

/** A promise the test opens when it chooses: the way to make one request wait for another. */
export class Gate {
  readonly opened: Promise<void>;
  open!: () => void;
  constructor() {
    this.opened = new Promise<void>((resolve) => {
      this.open = resolve;
    });
  }
}

/** Resolves once `predicate` holds, polling on the event loop; fails after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** `<value>.<hex HMAC-SHA256(value, secret)>`, computed independently of the framework. */
export function sign(value: string, secret: string): string {
  return `${value}.${createHmac("sha256", secret).update(value).digest("hex")}`;
}

/** The value part (before the last ".") of a signed cookie value. */
export function unsigned(cookie: string): string {
  return cookie.slice(0, cookie.lastIndexOf("."));
}

/** The JSON envelope inside a signed envelope cookie value. */
export function envelopeOf(cookie: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(unsigned(cookie), "base64url").toString("utf8")) as Record<string, unknown>;
}

export { type RawResponse, type SendOptions, send } from "../support/http-client.js";

/** Serves `app` on an ephemeral port and returns its base URL. */
export async function serve(app: LaurenApplication): Promise<string> {
  const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
  return url;
}

/** The `name=value` pair of a raw `Set-Cookie` header (or null), for sending it back by hand. */
export function pairOf(setCookie: string | string[] | undefined): string | null {
  const raw = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (raw === undefined) return null;
  return raw.slice(0, raw.indexOf(";"));
}
