/**
 * Sessions in Redis, shared by every worker and machine. One hash per session, one field
 * per session key, so a save writes only the changed and deleted keys (two workers writing
 * different keys of one session both persist) and is dropped atomically when a concurrent
 * logout deleted the row. Every row carries a TTL; touch refreshes it without writing data.
 * Sessions with a user id are also filed in a per-user index (`listByUser`, for "sign out
 * other devices"), and every deletion is published, so each process can close the
 * WebSockets and event streams opened with a session another process ended (`subscribe`).
 */
import { randomBytes } from "node:crypto";
import { type SaveOptions, SESSION_EXPIRES_AT, SessionStore, type SessionStoreEvent, type StoredSessionInfo } from "lauren";
import type { RedisConnection } from "./connection.js";
import { Feed } from "./feed.js";
import { DELETE, LIST, LOAD, SAVE, TOUCH } from "./scripts.js";

export interface RedisSessionStoreOptions {
  /**
   * Key part after the connection's prefix. Default `"sess"`: sessions are `lauren:sess:<id>`,
   * a user's index `lauren:sess:user:<user id>`, deletions are published on `lauren:sess:deleted`.
   */
  namespace?: string;
}

/** The store's own hash fields start with one NUL; session keys starting with NUL get a second one. */
const NUL = "\0";
const CREATED = NUL;
const LAST_SEEN = `${NUL}s`;
const toField = (key: string): string => (key.startsWith(NUL) ? NUL + key : key);
const isOwnField = (field: string): boolean => field.startsWith(NUL) && !field.startsWith(NUL + NUL);

/** A session hash's fields as session data, or null when one holds something this store did not write. */
function decode(fields: string[]): Record<string, unknown> | null {
  const data: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const field = fields[i] as string;
    if (isOwnField(field)) continue;
    let value: unknown;
    try {
      value = JSON.parse(fields[i + 1] as string);
    } catch {
      return null;
    }
    Object.defineProperty(data, field.startsWith(NUL) ? field.slice(1) : field, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return data;
}

/** One of the store's own fields, as epoch seconds (0 when absent). */
function ownTime(fields: string[], name: string): number {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return Number(fields[i + 1]) / 1000 || 0;
  return 0;
}

const expiryOf = (pexpiretime: number): number | null => (pexpiretime < 0 ? null : pexpiretime / 1000);
const milliseconds = (seconds: number): string => String(Math.max(1, Math.round(seconds * 1000)));

export class RedisSessionStore extends SessionStore {
  readonly #redis: RedisConnection;
  readonly #namespace: string;
  readonly #feed: Feed<SessionStoreEvent>;

  constructor(redis: RedisConnection, options: RedisSessionStoreOptions = {}) {
    super();
    this.#redis = redis;
    this.#namespace = options.namespace ?? "sess";
    this.#feed = new Feed(redis, redis.key(this.#namespace, "deleted"), (id) => ({ type: "deleted", id }));
  }

  /** The Redis key of a session (for operators: `MEMORY USAGE`, `TTL`). */
  keyOf(id: string): string {
    return this.#redis.key(this.#namespace, id);
  }

  /** The Redis key of a user's index: a sorted set of their session ids, scored by expiry (epoch ms). */
  userIndexKeyOf(userId: string): string {
    return this.#redis.key(this.#namespace, "user", userId);
  }

  /** 32 random bytes, base64url: the id format every Lauren store (and Python Lauren) uses. */
  newId(): string {
    return randomBytes(32).toString("base64url");
  }

  async load(id: string): Promise<Record<string, unknown> | null> {
    const reply = (await LOAD.run(this.#redis, [this.keyOf(id)], [])) as [number, string[]] | null;
    if (reply === null) return null;
    const data = decode(reply[1]);
    // Not written by this store: hand the engine something that is not a plain object, so it
    // deletes the row and logs it instead of failing every request of the session.
    if (data === null) return [] as unknown as Record<string, unknown>;
    Object.defineProperty(data, SESSION_EXPIRES_AT, { value: expiryOf(reply[0]) });
    return data;
  }

  async save(id: string, data: Record<string, unknown>, opts: SaveOptions): Promise<boolean> {
    const pairs: string[] = [];
    const deleted: string[] = [];
    for (const key of opts.changed) {
      const json = Object.hasOwn(data, key) ? JSON.stringify(data[key]) : undefined;
      if (json === undefined) deleted.push(toField(key));
      else pairs.push(toField(key), json);
    }
    for (const key of opts.deleted) deleted.push(toField(key));
    const ttl = opts.ttl === null ? "" : milliseconds(opts.ttl);
    const filing = opts.userId === undefined ? ["k"] : opts.userId === null ? ["n"] : ["s"];
    const args = [opts.minted ? "1" : "0", ttl, ...filing, this.userIndexKeyOf(""), id];
    if (typeof opts.userId === "string") args.push(opts.userId);
    args.push(String(pairs.length / 2), ...pairs, ...deleted);
    return (await SAVE.run(this.#redis, [this.keyOf(id)], args)) === 1;
  }

  override async touch(id: string, ttl: number): Promise<void> {
    await TOUCH.run(this.#redis, [this.keyOf(id)], [milliseconds(ttl), this.userIndexKeyOf(""), id]);
  }

  async delete(id: string): Promise<void> {
    await DELETE.run(this.#redis, [this.keyOf(id)], [this.userIndexKeyOf(""), id, this.#feed.channel]);
  }

  override async listByUser(userId: string): Promise<StoredSessionInfo[]> {
    const rows = (await LIST.run(this.#redis, [this.userIndexKeyOf(userId)], [this.keyOf(""), userId])) as [string, number, string[]][];
    const out: StoredSessionInfo[] = [];
    for (const [id, pexpiretime, fields] of rows) {
      const data = decode(fields);
      if (data === null) continue;
      const createdAt = ownTime(fields, CREATED);
      out.push({ id, data, createdAt, lastSeenAt: ownTime(fields, LAST_SEEN) || createdAt, expiresAt: expiryOf(pexpiretime) });
    }
    return out;
  }

  /**
   * Reports every session deletion made by any process on this Redis (logout, a regenerated
   * id, a session ended from a user's list), over pub/sub. Expiry is not reported.
   */
  override subscribe(listener: (event: SessionStoreEvent) => void): () => void {
    return this.#feed.subscribe(listener);
  }
}
