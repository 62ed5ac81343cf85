/**
 * `BroadcastGroup` across processes over Redis pub/sub. The sending process has already
 * delivered to its own members; it publishes the message tagged with its origin id, and
 * every other process delivers it to its members and feeds. A process ignores its own
 * messages, so each member gets a message once, and one connection publishes in order, so
 * each sender's messages arrive in the order sent. While Redis is away, messages reach this
 * process's members only (they are not queued for later: a late chat message is worse than
 * a lost one); one warning is logged per outage.
 */
import { randomBytes } from "node:crypto";
import type { BroadcastAdapter, BroadcastLink } from "lauren";
import type { RedisConnection } from "./connection.js";

export interface RedisBroadcastAdapterOptions {
  /** Channel part after the connection's prefix. Default `"bc"`: channels read `lauren:bc:<group>`. */
  namespace?: string;
}

const ORIGIN_LENGTH = 22;

export class RedisBroadcastAdapter implements BroadcastAdapter {
  readonly #redis: RedisConnection;
  readonly #namespace: string;
  /** Tags this process's messages (16 random bytes, base64url: 22 characters). */
  readonly #origin = randomBytes(16).toString("base64url");
  /** The groups joined: channel → listener, so `close()` can leave them all. */
  readonly #joined = new Map<string, (payload: string) => void>();
  #publishFailing = false;
  #closed = false;

  constructor(redis: RedisConnection, options: RedisBroadcastAdapterOptions = {}) {
    this.#redis = redis;
    this.#namespace = options.namespace ?? "bc";
  }

  join(channel: string, deliver: (room: string, text: string) => void): BroadcastLink {
    const name = this.#redis.key(this.#namespace, channel);
    const origin = this.#origin;
    const logger = this.#redis.logger;
    const listener = (payload: string) => {
      if (payload.startsWith(origin)) return;
      const colon = payload.indexOf(":", ORIGIN_LENGTH);
      const length = Number(payload.slice(ORIGIN_LENGTH, colon));
      if (colon < 0 || !Number.isSafeInteger(length)) return;
      const room = payload.slice(colon + 1, colon + 1 + length);
      try {
        deliver(room, payload.slice(colon + 1 + length));
      } catch (error) {
        logger.error("redis: delivering a broadcast from another process failed", { channel, room, error });
      }
    };
    this.#redis.subscribe(name, listener);
    this.#joined.set(name, listener);
    return {
      publish: (room, text) => this.#publish(name, `${origin}${room.length}:${room}${text}`),
      leave: () => {
        if (this.#joined.get(name) === listener) this.#joined.delete(name);
        this.#redis.unsubscribe(name, listener);
      },
    };
  }

  /** Resolves once every subscription asked for so far is in place (for start-up and tests). */
  ready(): Promise<void> {
    return this.#redis.subscriptionsReady();
  }

  /** Leaves every group's channel (without waiting for Redis); the connections belong to the `RedisConnection`: close it after. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const [name, listener] of this.#joined) this.#redis.unsubscribe(name, listener);
    this.#joined.clear();
  }

  #publish(channel: string, payload: string): void {
    this.#redis.command(["PUBLISH", channel, payload]).then(
      () => {
        if (!this.#publishFailing) return;
        this.#publishFailing = false;
        this.#redis.logger.info("redis: broadcasts reach the other processes again");
      },
      (error: unknown) => {
        if (this.#publishFailing || this.#closed) return;
        this.#publishFailing = true;
        this.#redis.logger.warn("redis: broadcasts reach this process's members only until Redis is back", { error: String(error) });
      },
    );
  }
}
