/**
 * A periodic clean-up timer shared by the in-memory stores. It is started on first use and
 * unref'd, so an idle store never keeps the process alive; `stop()` ends it.
 */
export class Sweeper {
  readonly #intervalMs: number;
  readonly #sweep: () => void;
  #timer: NodeJS.Timeout | null = null;

  constructor(intervalMs: number, sweep: () => void) {
    this.#intervalMs = intervalMs;
    this.#sweep = sweep;
  }

  ensureRunning(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(this.#sweep, this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer === null) return;
    clearInterval(this.#timer);
    this.#timer = null;
  }
}
