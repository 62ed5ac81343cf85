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
import { closeClient, type RedisClient, type RedisConnection } from "./connection.js";

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
  #subscriber: RedisClient | null = null;
  #connected: Promise<void> | null = null;
  readonly #pending = new Set<Promise<unknown>>();
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
    this.#track(this.#subscribed().then((sub) => sub.subscribe(name, listener)));
    return {
      publish: (room, text) => this.#publish(name, `${origin}${room.length}:${room}${text}`),
      leave: () => {
        const sub = this.#subscriber;
        if (sub?.isReady) this.#track(sub.unsubscribe(name, listener));
      },
    };
  }

  /** Resolves once every subscription asked for so far is in place (for start-up and tests). */
  async ready(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Closes the subscriber connection; the command connection belongs to the `RedisConnection`. */
  async close(): Promise<void> {
    this.#closed = true;
    const sub = this.#subscriber;
    this.#subscriber = null;
    if (sub !== null) {
      await this.#connected?.catch(() => undefined);
      await closeClient(sub);
    }
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

  /** The subscriber connection, opened on first use; node-redis re-subscribes after a reconnection. */
  #subscribed(): Promise<RedisClient> {
    if (this.#subscriber === null) {
      const sub = this.#redis.duplicate("broadcasts");
      this.#subscriber = sub;
      this.#connected = sub.connect().then(() => undefined);
    }
    const sub = this.#subscriber;
    return (this.#connected as Promise<void>).then(() => sub);
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => {
      if (!this.#closed) this.#redis.logger.error("redis: broadcast subscription failed", { error });
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }
}
