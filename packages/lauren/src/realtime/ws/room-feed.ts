/**
 * `BroadcastGroup.listen()`: a room's messages as an async iterator, for a server-sent-event
 * feed. Written by hand rather than as an async generator because `return()` must detach at
 * once even while a `next()` is waiting (EventStream calls it when the client leaves), and a
 * generator suspended in an `await` would queue it. A reader that falls `maxQueued` messages
 * behind is ended rather than buffered without bound.
 */
export interface BroadcastListenOptions {
  /** Messages kept for a slow reader before its feed is ended. Default 1000. */
  maxQueued?: number;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export class RoomFeed implements AsyncIterableIterator<string> {
  readonly #queue: string[] = [];
  readonly #maxQueued: number;
  readonly #detach: (feed: RoomFeed) => void;
  #waiting: ((result: IteratorResult<string, undefined>) => void) | null = null;
  #ended = false;

  constructor(detach: (feed: RoomFeed) => void, options: BroadcastListenOptions) {
    const max = options.maxQueued ?? 1000;
    if (!Number.isSafeInteger(max) || max <= 0) throw new TypeError(`listen() maxQueued must be a positive integer, got ${String(max)}`);
    this.#maxQueued = max;
    this.#detach = detach;
  }

  /** Called by the group for every message of the room. */
  push(text: string): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting !== null) {
      this.#waiting = null;
      waiting({ done: false, value: text });
      return;
    }
    if (this.#queue.length >= this.#maxQueued) {
      this.end();
      return;
    }
    this.#queue.push(text);
  }

  /** Ends the feed: a waiting `next()` resolves done, queued messages are dropped. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#queue.length = 0;
    this.#detach(this);
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.(DONE);
  }

  next(): Promise<IteratorResult<string, undefined>> {
    const text = this.#queue.shift();
    if (text !== undefined) return Promise.resolve({ done: false, value: text });
    if (this.#ended) return Promise.resolve(DONE);
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<string, undefined>> {
    this.end();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
