/**
 * Sessions in Redis, shared by every worker and machine. One hash per session, one field
 * per session key, so a save writes only the changed and deleted keys (two workers writing
 * different keys of one session both persist) and is dropped atomically when a concurrent
 * logout deleted the row. Every row carries a TTL; touch refreshes it without writing data.
 */
import { randomBytes } from "node:crypto";
import { type SaveOptions, SESSION_EXPIRES_AT, SessionStore } from "lauren";
import type { RedisConnection } from "./connection.js";
import { LOAD, SAVE } from "./scripts.js";

export interface RedisSessionStoreOptions {
  /** Key part after the connection's prefix. Default `"sess"`: keys read `lauren:sess:<id>`. */
  namespace?: string;
}

/** The hash field that marks a session row; session keys starting with NUL are escaped past it. */
const MARKER = "\0";
const toField = (key: string): string => (key.startsWith(MARKER) ? MARKER + key : key);
const fromField = (field: string): string => (field.startsWith(MARKER) ? field.slice(1) : field);

export class RedisSessionStore extends SessionStore {
  readonly #redis: RedisConnection;
  readonly #namespace: string;

  constructor(redis: RedisConnection, options: RedisSessionStoreOptions = {}) {
    super();
    this.#redis = redis;
    this.#namespace = options.namespace ?? "sess";
  }

  /** The Redis key of a session (for operators: `MEMORY USAGE`, `TTL`). */
  keyOf(id: string): string {
    return this.#redis.key(this.#namespace, id);
  }

  /** 32 random bytes, base64url: the id format every Lauren store (and Python Lauren) uses. */
  newId(): string {
    return randomBytes(32).toString("base64url");
  }

  async load(id: string): Promise<Record<string, unknown> | null> {
    const reply = (await LOAD.run(this.#redis, [this.keyOf(id)], [])) as [number, string[]] | null;
    if (reply === null) return null;
    const [expiresAtMs, fields] = reply;
    const data: Record<string, unknown> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const field = fields[i] as string;
      if (field === MARKER) continue;
      let value: unknown;
      try {
        value = JSON.parse(fields[i + 1] as string);
      } catch {
        // Not written by this store: hand the engine something that is not a plain object,
        // so it deletes the row and logs it instead of failing every request of the session.
        return [] as unknown as Record<string, unknown>;
      }
      Object.defineProperty(data, fromField(field), { value, enumerable: true, writable: true, configurable: true });
    }
    Object.defineProperty(data, SESSION_EXPIRES_AT, { value: expiresAtMs < 0 ? null : expiresAtMs / 1000 });
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
    const ttl = opts.ttl === null ? "" : String(Math.max(1, Math.round(opts.ttl * 1000)));
    const args = [opts.minted ? "1" : "0", ttl, String(pairs.length / 2), ...pairs, ...deleted];
    return (await SAVE.run(this.#redis, [this.keyOf(id)], args)) === 1;
  }

  override async touch(id: string, ttl: number): Promise<void> {
    await this.#redis.command(["PEXPIRE", this.keyOf(id), String(Math.max(1, Math.round(ttl * 1000)))]);
  }

  async delete(id: string): Promise<void> {
    await this.#redis.command(["DEL", this.keyOf(id)]);
  }
}
