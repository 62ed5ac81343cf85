/**
 * Shared fixtures for the session tests: the Python vectors, a settable clock, a logger
 * that remembers, and stores whose ids, tokens and failures the test decides.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../../src/app/logger.js";
import { KNOWN_PLACEHOLDER_SECRETS } from "../../src/sessions/config.js";
import {
  InMemoryRevocationStore,
  InMemorySessionStore,
  type SaveOptions,
  type Session,
  SessionEngine,
  type SessionOptions,
} from "../../src/sessions/index.js";

/** Not the original's tutorial secret: the engine refuses that one as a published placeholder. */
export const SECRET = "sessions-unit-test-secret-32-bytes-long";
export const NOW = 1767225600;

/** The repository root is the nearest directory whose package.json declares workspaces. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && "workspaces" in JSON.parse(readFileSync(manifest, "utf8"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("no package.json with workspaces above the tests");
    dir = parent;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the vectors file is untyped JSON walked by name
export type Vector = any;

export function loadVectors(): Vector {
  // Produced by the Python original's own signer; kept in the repository as test data.
  const file = path.resolve(repoRoot(), "packages/lauren/test/fixtures/lauren-session-vectors.json");
  return JSON.parse(readFileSync(file, "utf8"));
}

export class Clock {
  now: number;
  readonly read = (): number => this.now;
  constructor(now = NOW) {
    this.now = now;
  }
}

export interface LogEntry {
  level: "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown> | undefined;
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
}

/** An in-memory store whose next ids the test chooses, and which can be told to fail. */
export class ScriptedStore extends InMemorySessionStore {
  readonly ids: string[] = [];
  failing = false;
  readonly saves: Array<{ id: string; opts: SaveOptions }> = [];
  touches = 0;
  loads = 0;

  override newId(): string {
    return this.ids.shift() ?? super.newId();
  }
  override load(id: string): Promise<Record<string, unknown> | null> {
    this.loads++;
    return this.failing ? Promise.reject(new Error("store down")) : super.load(id);
  }
  override save(id: string, data: Record<string, unknown>, opts: SaveOptions): Promise<boolean> {
    if (this.failing) return Promise.reject(new Error("store down"));
    this.saves.push({ id, opts });
    return super.save(id, data, opts);
  }
  override touch(id: string, ttl: number): Promise<void> {
    if (this.failing) return Promise.reject(new Error("store down"));
    this.touches++;
    return super.touch(id, ttl);
  }
  override delete(id: string): Promise<void> {
    return this.failing ? Promise.reject(new Error("store down")) : super.delete(id);
  }
}

/** A revocation store whose token ids the test chooses and which records what it revoked. */
export class ScriptedRevocationStore extends InMemoryRevocationStore {
  readonly tokenIds: string[] = [];
  readonly revoked: Array<{ tokenId: string; ttl: number }> = [];
  failing = false;

  override newTokenId(): string {
    return this.tokenIds.shift() ?? super.newTokenId();
  }
  override revokeToken(tokenId: string, ttl: number): Promise<void> {
    if (this.failing) return Promise.reject(new Error("revocation store down"));
    this.revoked.push({ tokenId, ttl });
    return super.revokeToken(tokenId, ttl);
  }
  override isTokenRevoked(tokenId: string): Promise<boolean> {
    return this.failing ? Promise.reject(new Error("revocation store down")) : super.isTokenRevoked(tokenId);
  }
}

export function makeEngine(options: Partial<SessionOptions> = {}, logger: Logger = new MemoryLogger()): SessionEngine {
  return SessionEngine.create({ secret: SECRET, secure: false, ...options }, logger);
}

/** The cookie value inside a `Set-Cookie` header value. */
export function cookieValue(setCookie: string | null): string {
  if (setCookie === null) throw new Error("expected a Set-Cookie header");
  const start = setCookie.indexOf("=") + 1;
  return setCookie.slice(start, setCookie.indexOf(";", start));
}

/** The JSON text inside a signed envelope cookie value. */
export function envelopeJson(value: string): string {
  return Buffer.from(value.slice(0, value.lastIndexOf(".")), "base64url").toString("utf8");
}

export function envelope(value: string): Record<string, unknown> {
  return JSON.parse(envelopeJson(value));
}

export function header(engine: SessionEngine, value: string): string {
  return `${engine.cookieName}=${value}`;
}

/** One request: load from `cookie`, run `handler`, commit; returns the Set-Cookie value. */
export async function request(
  engine: SessionEngine,
  cookie: string | null,
  handler: (session: Session) => unknown = () => {},
): Promise<{ session: Session; setCookie: string | null }> {
  const session = await engine.load(cookie === null ? undefined : header(engine, cookie));
  await handler(session);
  return { session, setCookie: await engine.commit(session) };
}

/** A first request that stores `data`; returns the session cookie value. */
export async function loggedIn(engine: SessionEngine, data: Record<string, unknown> = { hero_id: 1 }): Promise<string> {
  const { setCookie } = await request(engine, null, (session) => {
    for (const [key, value] of Object.entries(data)) session.set(key, value);
  });
  return cookieValue(setCookie);
}

/**
 * The original's tutorial secret, which its session vectors were made with. The engine
 * refuses it as a published placeholder; the files that reproduce those vectors byte for
 * byte call this once (each test file runs in its own process, so no other file is affected).
 */
export const PYTHON_TUTORIAL_SECRET = "change-me-hero-hq-secret-please-32-bytes";
export function allowPythonTutorialSecret(): void {
  KNOWN_PLACEHOLDER_SECRETS.delete(PYTHON_TUTORIAL_SECRET);
}
