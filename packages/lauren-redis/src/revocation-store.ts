/**
 * Revocation in Redis, so a logout or `revokeUser` on one worker is seen by all. A revoked
 * token id is a key that expires when the cookie it names could no longer be presented; a
 * user cutoff is a key holding the cutoff, expiring after the session lifetime. Redis's own
 * expiry prunes both, so the index stays bounded with no sweeper. Each revocation is also
 * published (`subscribe`), so every process closes the connections of revoked sessions.
 */
import { type RevocationEvent, RevocationStore, type RevokeUserOptions } from "lauren";
import type { RedisConnection } from "./connection.js";
import { Feed } from "./feed.js";
import { REVOKE } from "./scripts.js";

export interface RedisRevocationStoreOptions {
  /**
   * Key part after the connection's prefix. Default `"rev"`: keys read `lauren:rev:t:<token>`,
   * `lauren:rev:u:<user>`; revocations are published on `lauren:rev:events`.
   */
  namespace?: string;
  /** Epoch seconds as a float; for tests. */
  clock?: () => number;
}

const milliseconds = (seconds: number): string => String(Math.max(1, Math.ceil(seconds * 1000)));

/** A published revocation: `t<token id>` or `u<cutoff> <user id>`. */
function parseEvent(message: string): RevocationEvent | null {
  if (message.startsWith("t")) return { type: "token", tokenId: message.slice(1) };
  const space = message.indexOf(" ");
  const cutoff = Number(message.slice(1, space));
  if (!message.startsWith("u") || space < 0 || !Number.isFinite(cutoff)) return null;
  return { type: "user", userId: message.slice(space + 1), cutoff };
}

export class RedisRevocationStore extends RevocationStore {
  readonly #redis: RedisConnection;
  readonly #namespace: string;
  readonly #clock: () => number;
  readonly #feed: Feed<RevocationEvent>;

  constructor(redis: RedisConnection, options: RedisRevocationStoreOptions = {}) {
    super();
    this.#redis = redis;
    this.#namespace = options.namespace ?? "rev";
    this.#clock = options.clock ?? (() => Date.now() / 1000);
    this.#feed = new Feed(redis, redis.key(this.#namespace, "events"), parseEvent);
  }

  async revokeToken(tokenId: string, ttl: number): Promise<void> {
    // A cookie with no life left cannot be replayed; there is nothing to remember.
    if (!(ttl > 0)) return;
    await this.#revoke(this.#redis.key(this.#namespace, "t", tokenId), "1", ttl, `t${tokenId}`);
  }

  async isTokenRevoked(tokenId: string): Promise<boolean> {
    return Number(await this.#redis.command(["EXISTS", this.#redis.key(this.#namespace, "t", tokenId)])) === 1;
  }

  async revokeUser(userId: string | number, options: RevokeUserOptions = {}): Promise<void> {
    const now = this.#clock();
    const at = options.cutoff ?? now;
    const lifetime = Math.max(at, now) + (options.ttl ?? this.sessionLifetime) - now;
    if (!(lifetime > 0)) return;
    await this.#revoke(this.#userKey(userId), String(at), lifetime, `u${at} ${userId}`);
  }

  async userCutoff(userId: string | number): Promise<number | null> {
    const value = await this.#redis.command(["GET", this.#userKey(userId)]);
    if (typeof value !== "string") return null;
    const at = Number(value);
    return Number.isFinite(at) ? at : null;
  }

  /**
   * Reports every `revokeToken` and `revokeUser` made by any process on this Redis, over
   * pub/sub, so open WebSockets and event streams of revoked sessions close everywhere.
   */
  override subscribe(listener: (event: RevocationEvent) => void): () => void {
    return this.#feed.subscribe(listener);
  }

  /** Writes the entry and publishes the event in one atomic step. */
  async #revoke(key: string, value: string, seconds: number, event: string): Promise<void> {
    await REVOKE.run(this.#redis, [key], [value, milliseconds(seconds), this.#feed.channel, event]);
  }

  #userKey(userId: string | number): string {
    return this.#redis.key(this.#namespace, "u", String(userId));
  }
}
