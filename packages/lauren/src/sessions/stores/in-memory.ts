/**
 * The default store: one process, for development, tests and single-worker apps. Each key
 * is kept on its own, so a save merges changed keys without touching the rest. Objects and
 * arrays are kept as JSON text, so a load hands out fresh copies (a handler can never mutate
 * the stored row in place); strings, numbers, booleans and null are immutable and kept as
 * they are, which spares the common session (an id and a name) any parsing on a read.
 * Expired rows are swept by an unref'd timer, and at most `maxSessions` rows are kept,
 * least recently used first out, so a flood of new sessions cannot exhaust memory.
 */
import { setOwn } from "../plain-object.js";
import {
  LOAD_NOW,
  newSessionId,
  SAVE_NOW,
  type SaveOptions,
  SESSION_EXPIRES_AT,
  SessionStore,
  type SessionStoreEvent,
  type StoredSessionInfo,
} from "../store.js";
import { positiveInteger, systemClock } from "./store-options.js";
import { Sweeper } from "./sweeper.js";

export interface InMemorySessionStoreOptions {
  /** Upper bound on stored sessions (default 100 000); the least recently used go first. */
  maxSessions?: number;
  /** How often expired rows are swept, in milliseconds (default 60 000). */
  sweepIntervalMs?: number;
  /** Epoch seconds as a float; for tests. */
  clock?: () => number;
}

/** A stored object or array, as JSON text (parsed anew on every load). */
class Json {
  constructor(readonly text: string) {}
}

interface Row {
  values: Map<string, Json | string | number | boolean | null>;
  expiresAt: number | null;
  createdAt: number;
  lastSeenAt: number;
  /** The user the session is filed under in the per-user index. */
  userId: string | null;
}

function encode(value: unknown): Json | string | number | boolean | null | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : new Json(text);
}

const RESOLVED_TRUE = Promise.resolve(true);
const RESOLVED_FALSE = Promise.resolve(false);
const RESOLVED_NULL = Promise.resolve(null);
const RESOLVED = Promise.resolve();

function dataOf(row: Row): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [key, value] of row.values) setOwn(data, key, value instanceof Json ? JSON.parse(value.text) : value);
  return data;
}

export class InMemorySessionStore extends SessionStore {
  readonly #rows = new Map<string, Row>();
  /** Where eviction goes on from (see #evict); null until it is needed. */
  #cursor: MapIterator<string> | null = null;
  /** Per-user index: user id → ids of that user's sessions. */
  readonly #byUser = new Map<string, Set<string>>();
  readonly #listeners = new Set<(event: SessionStoreEvent) => void>();
  readonly #maxSessions: number;
  readonly #clock: () => number;
  readonly #sweeper: Sweeper;

  constructor(options: InMemorySessionStoreOptions = {}) {
    super();
    this.#maxSessions = positiveInteger(options.maxSessions, 100_000, "InMemorySessionStore maxSessions");
    const interval = positiveInteger(options.sweepIntervalMs, 60_000, "InMemorySessionStore sweepIntervalMs");
    this.#clock = options.clock ?? systemClock;
    this.#sweeper = new Sweeper(interval, () => this.sweep());
  }

  /** Number of rows held, expired ones included until they are swept. */
  get size(): number {
    return this.#rows.size;
  }

  newId(): string {
    return newSessionId();
  }

  load(id: string): Promise<Record<string, unknown> | null> {
    const data = this[LOAD_NOW](id);
    return data === null ? RESOLVED_NULL : Promise.resolve(data);
  }

  /** `load` without the promise, for the engine's session reads. */
  [LOAD_NOW](id: string): Record<string, unknown> | null {
    const row = this.#live(id);
    if (row === undefined) return null;
    this.#promote(id, row);
    row.lastSeenAt = this.#clock();
    const data = dataOf(row);
    // Non-enumerable: copies and comparisons of the row see only session data.
    Object.defineProperty(data, SESSION_EXPIRES_AT, { value: row.expiresAt });
    return data;
  }

  save(id: string, data: Record<string, unknown>, opts: SaveOptions): Promise<boolean> {
    return this[SAVE_NOW](id, data, opts) ? RESOLVED_TRUE : RESOLVED_FALSE;
  }

  /** `save` without the promise, for the engine's writes. */
  [SAVE_NOW](id: string, data: Record<string, unknown>, opts: SaveOptions): boolean {
    let row = this.#live(id);
    const now = this.#clock();
    if (opts.minted) {
      if (row !== undefined) this.#unfile(id, row);
      row = { values: new Map(), expiresAt: null, createdAt: now, lastSeenAt: now, userId: null };
    } else if (row === undefined) return false;
    for (const key of opts.changed) {
      const value = Object.hasOwn(data, key) ? encode(data[key]) : undefined;
      if (value === undefined) row.values.delete(key);
      else row.values.set(key, value);
    }
    for (const key of opts.deleted) row.values.delete(key);
    row.expiresAt = opts.ttl === null ? null : now + opts.ttl;
    row.lastSeenAt = now;
    if (opts.userId !== undefined && opts.userId !== row.userId) {
      this.#unfile(id, row);
      row.userId = opts.userId;
      this.#file(id, row);
    }
    this.#promote(id, row);
    this.#evict();
    this.#sweeper.ensureRunning();
    return true;
  }

  override touch(id: string, ttl: number): Promise<void> {
    const row = this.#live(id);
    if (row !== undefined) {
      row.lastSeenAt = this.#clock();
      row.expiresAt = row.lastSeenAt + ttl;
      this.#promote(id, row);
    }
    return RESOLVED;
  }

  delete(id: string): Promise<void> {
    const row = this.#rows.get(id);
    if (row !== undefined) {
      this.#remove(id, row);
      for (const listener of this.#listeners) {
        try {
          listener({ type: "deleted", id });
        } catch {
          // A listener's failure must not fail the logout.
        }
      }
    }
    return RESOLVED;
  }

  override listByUser(userId: string): Promise<StoredSessionInfo[]> {
    const ids = this.#byUser.get(userId);
    const out: StoredSessionInfo[] = [];
    for (const id of ids ?? []) {
      const row = this.#live(id);
      if (row === undefined) continue;
      out.push({ id, data: dataOf(row), createdAt: row.createdAt, lastSeenAt: row.lastSeenAt, expiresAt: row.expiresAt });
    }
    return Promise.resolve(out);
  }

  override subscribe(listener: (event: SessionStoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Drops every expired row now (the timer calls this periodically). */
  sweep(): void {
    const now = this.#clock();
    for (const [id, row] of this.#rows) {
      if (row.expiresAt !== null && now >= row.expiresAt) this.#remove(id, row);
    }
    // An idle cursor would hold on to the tables the map has outgrown; eviction starts a new one.
    this.#cursor = null;
  }

  /** Stops the sweep timer. */
  close(): void {
    this.#sweeper.stop();
  }

  #live(id: string): Row | undefined {
    const row = this.#rows.get(id);
    if (row !== undefined && row.expiresAt !== null && this.#clock() >= row.expiresAt) {
      this.#remove(id, row);
      return undefined;
    }
    return row;
  }

  #remove(id: string, row: Row): void {
    this.#rows.delete(id);
    this.#unfile(id, row);
  }

  #file(id: string, row: Row): void {
    if (row.userId === null) return;
    let ids = this.#byUser.get(row.userId);
    if (ids === undefined) {
      ids = new Set();
      this.#byUser.set(row.userId, ids);
    }
    ids.add(id);
  }

  #unfile(id: string, row: Row): void {
    if (row.userId === null) return;
    const ids = this.#byUser.get(row.userId);
    if (ids === undefined) return;
    ids.delete(id);
    if (ids.size === 0) this.#byUser.delete(row.userId);
  }

  /** Map iteration order is insertion order: re-inserting makes `id` the most recent. */
  #promote(id: string, row: Row): void {
    this.#rows.delete(id);
    this.#rows.set(id, row);
  }

  /**
   * Drops the least recently used rows while there are too many. A fresh `keys()` iterator
   * would step over every row deleted since the table was last compacted, tens of thousands
   * at the cap: one iterator kept across calls steps over each only once. Everything behind
   * it has been evicted, and promoted or new rows are appended, so it always meets the
   * oldest live row next.
   */
  #evict(): void {
    while (this.#rows.size > this.#maxSessions) {
      let oldest = this.#cursor?.next();
      if (oldest === undefined || oldest.done === true) {
        this.#cursor = this.#rows.keys();
        oldest = this.#cursor.next();
        if (oldest.done === true) return;
      }
      this.#remove(oldest.value, this.#rows.get(oldest.value) as Row);
    }
  }
}
