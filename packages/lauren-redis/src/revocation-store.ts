/**
 * Revocation in Redis, so a logout or `revokeUser` on one worker is seen by all. A revoked
 * token id is a key that expires when the cookie it names could no longer be presented; a
 * user cutoff is a key holding the cutoff, expiring after the session lifetime. Redis's own
 * expiry prunes both, so the index stays bounded with no sweeper.
 */
import { RevocationStore, type RevokeUserOptions } from "lauren";
import type { RedisConnection } from "./connection.js";

export interface RedisRevocationStoreOptions {
  /** Key part after the connection's prefix. Default `"rev"`: keys read `lauren:rev:t:<token>`, `lauren:rev:u:<user>`. */
  namespace?: string;
  /** Epoch seconds as a float; for tests. */
  clock?: () => number;
}

const milliseconds = (seconds: number): string => String(Math.max(1, Math.ceil(seconds * 1000)));

export class RedisRevocationStore extends RevocationStore {
  readonly #redis: RedisConnection;
  readonly #namespace: string;
  readonly #clock: () => number;

  constructor(redis: RedisConnection, options: RedisRevocationStoreOptions = {}) {
    super();
    this.#redis = redis;
    this.#namespace = options.namespace ?? "rev";
    this.#clock = options.clock ?? (() => Date.now() / 1000);
  }

  async revokeToken(tokenId: string, ttl: number): Promise<void> {
    // A cookie with no life left cannot be replayed; there is nothing to remember.
    if (!(ttl > 0)) return;
    await this.#redis.command(["SET", this.#redis.key(this.#namespace, "t", tokenId), "1", "PX", milliseconds(ttl)]);
  }

  async isTokenRevoked(tokenId: string): Promise<boolean> {
    return Number(await this.#redis.command(["EXISTS", this.#redis.key(this.#namespace, "t", tokenId)])) === 1;
  }

  async revokeUser(userId: string | number, options: RevokeUserOptions = {}): Promise<void> {
    const now = this.#clock();
    const at = options.cutoff ?? now;
    const lifetime = Math.max(at, now) + (options.ttl ?? this.sessionLifetime) - now;
    if (!(lifetime > 0)) return;
    await this.#redis.command(["SET", this.#userKey(userId), String(at), "PX", milliseconds(lifetime)]);
  }

  async userCutoff(userId: string | number): Promise<number | null> {
    const value = await this.#redis.command(["GET", this.#userKey(userId)]);
    if (typeof value !== "string") return null;
    const at = Number(value);
    return Number.isFinite(at) ? at : null;
  }

  #userKey(userId: string | number): string {
    return this.#redis.key(this.#namespace, "u", String(userId));
  }
}
