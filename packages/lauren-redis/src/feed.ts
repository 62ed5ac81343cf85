/**
 * A store's change feed over Redis pub/sub: the store publishes on `channel` (inside its
 * scripts, so the change and its notice are one atomic step) and every process that has a
 * listener hears it, its own changes included. The channel is subscribed while at least one
 * listener is registered. Messages published while a process is cut off from Redis are not
 * replayed; the session engine's own expiry timers and checks cover what they would have said.
 */
import type { RedisConnection } from "./connection.js";

export class Feed<Event> {
  readonly #listeners = new Set<(event: Event) => void>();
  readonly #onMessage = (message: string): void => {
    const event = this.parse(message);
    if (event === null) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.redis.logger.error("redis: a change feed listener failed", { channel: this.channel, error });
      }
    }
  };

  constructor(
    readonly redis: RedisConnection,
    readonly channel: string,
    readonly parse: (message: string) => Event | null,
  ) {}

  subscribe(listener: (event: Event) => void): () => void {
    // A wrapper, so the same function subscribed twice is two subscriptions.
    const own = (event: Event) => listener(event);
    this.#listeners.add(own);
    if (this.#listeners.size === 1) this.redis.subscribe(this.channel, this.#onMessage);
    return () => {
      if (!this.#listeners.delete(own)) return;
      if (this.#listeners.size === 0) this.redis.unsubscribe(this.channel, this.#onMessage);
    };
  }
}
