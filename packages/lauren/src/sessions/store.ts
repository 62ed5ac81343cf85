/**
 * The store contract. It is async throughout so a Redis store fits behind it unchanged,
 * and an abstract class (rather than an interface) so it can serve as a DI token; any
 * object of the same shape satisfies it.
 */
import { randomToken } from "./random.js";

export interface SaveOptions {
  /** Seconds the row lives from now; `null` = no server-side expiry. */
  ttl: number | null;
  /** Keys whose values in `data` must be written over what the store holds now. */
  changed: string[];
  /** Keys to remove from what the store holds now. */
  deleted: string[];
  /**
   * `true` when this request minted the id: create the row from `data`. `false` when the
   * id came in on a cookie: apply the changes only if the row still exists, otherwise drop
   * the save and resolve `false`, so a request that raced a logout cannot resurrect it.
   */
  minted: boolean;
  /**
   * The session's user id after this save (the value under `sessions.userIdKey`, as a
   * string), or `null` when it has none; `undefined` (a touch, an older engine) leaves it as
   * it was. A store with a per-user index (`listByUser`) files the session under it.
   */
  userId?: string | null;
}

/** One of a user's live sessions, as a store with a per-user index reports it. */
export interface StoredSessionInfo {
  /** The session id. Never show it to anyone: it is the bearer token itself. */
  id: string;
  /** The session data (a copy). */
  data: Record<string, unknown>;
  /** When the session was created (minted), epoch seconds. */
  createdAt: number;
  /** The last time this store saw the session used (at least every save or touch), epoch seconds. */
  lastSeenAt: number;
  /** When it expires unless used again, epoch seconds; `null` for no server-side expiry. */
  expiresAt: number | null;
}

/** What `SessionStore.subscribe` reports: a session was deleted (logout, login elsewhere, ended from a list). */
export interface SessionStoreEvent {
  type: "deleted";
  id: string;
}

/**
 * A store may report a loaded row's expiry (epoch seconds, or `null` for none) under this
 * symbol on the object `load` returns. The engine then refreshes idle sessions only when
 * less than half the window remains; without it, it refreshes on every read.
 */
export const SESSION_EXPIRES_AT: unique symbol = Symbol.for("lauren.sessions.expiresAt");

/**
 * Internal: a store whose rows are in this process answers `load` synchronously under this
 * symbol (same result, no promise), so a session read needs no trip through the microtask
 * queue. Not part of the store contract; the engine falls back to `load` without it.
 */
export const LOAD_NOW: unique symbol = Symbol("lauren.sessions.loadNow");
/** Internal, as `LOAD_NOW`: `save` answered synchronously (`true` = saved, `false` = dropped). */
export const SAVE_NOW: unique symbol = Symbol("lauren.sessions.saveNow");

export abstract class SessionStore {
  /** `true` for the stateless cookie store: data rides in the cookie, never in `load`/`save`. */
  declare readonly clientSide?: boolean;
  /** A fresh id: 32 random bytes, base64url without padding (43 characters). */
  abstract newId(): string;
  abstract load(id: string): Promise<Record<string, unknown> | null>;
  /** Applies `changed`/`deleted` on top of the stored row; resolves `false` when dropped. */
  // biome-ignore lint/suspicious/noConfusingVoidType: stores written to the documented `Promise<void>` contract stay valid
  abstract save(id: string, data: Record<string, unknown>, opts: SaveOptions): Promise<boolean | void>;
  /** Refreshes the row's TTL without writing data (no-op when the row is gone). */
  touch?(id: string, ttl: number): Promise<void>;
  abstract delete(id: string): Promise<void>;
  /**
   * Optional per-user index ("sign out other devices"): the live sessions whose last save
   * carried `opts.userId === userId`. It must stay consistent with `delete`, expiry and a
   * save that changes or clears the user id; expired sessions are never listed.
   */
  listByUser?(userId: string): Promise<StoredSessionInfo[]>;
  /**
   * Optional change feed: calls `listener` when a session is deleted by any process using
   * this store (a shared store publishes deletions, e.g. over Redis pub/sub), so the engine
   * can close WebSockets and event streams opened with it. Expiry need not be reported: the
   * engine times it itself. Returns the function that unsubscribes.
   */
  subscribe?(listener: (event: SessionStoreEvent) => void): () => void;
}

export function newSessionId(): string {
  return randomToken(32);
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Shape check done before any store I/O: a forged or garbage id never reaches the store. */
export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && SESSION_ID.test(value);
}
