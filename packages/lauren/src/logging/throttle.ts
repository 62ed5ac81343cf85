/**
 * A warning that comes in bursts, such as a client hanging up mid-request: a thousand
 * clients leaving at once must not be a thousand warning lines. The first occurrence is a
 * warning; the next ones within `intervalMs` are debug lines; when the interval ends, one
 * warning counts them. Nothing runs between bursts (the interval's timer is unref'd and only
 * exists while a burst is being counted).
 */
import type { Logger } from "./logger.js";

export class ThrottledWarning {
  readonly #logger: Logger;
  readonly #what: string;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #heldBack = 0;

  /** `what` names the event in the summary line ("client aborts"). */
  constructor(logger: Logger, what: string, intervalMs = 60_000) {
    this.#logger = logger;
    this.#what = what;
    this.#intervalMs = intervalMs;
  }

  note(message: string): void {
    if (this.#timer === null) {
      this.#logger.warn(message);
      this.#timer = setTimeout(() => this.flush(), this.#intervalMs);
      this.#timer.unref();
      return;
    }
    this.#heldBack++;
    this.#logger.debug?.(message);
  }

  /** Ends the interval now (the app calls it at shutdown): the summary line, if any was held back. */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#heldBack === 0) return;
    const count = this.#heldBack;
    this.#heldBack = 0;
    this.#logger.warn(
      `${count} more ${this.#what} within ${Math.round(this.#intervalMs / 1000)} s of the one above (each logged at debug level)`,
    );
  }
}
