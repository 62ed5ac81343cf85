/**
 * The socket side of one event stream. Every wait (the producer's next event, a 'drain')
 * is raced against "the client left" and "the app is shutting down". Each wait settles
 * through a small slot that is emptied once used, so a producer stuck on a promise that
 * never settles holds that empty slot, never the response or its socket.
 */
import type { ServerResponse } from "node:http";
import { watchAbort } from "../abort-watch.js";

export const STOPPED: unique symbol = Symbol("stopped");
export type Stopped = typeof STOPPED;

/** Why the stream stopped before its producer finished. */
export type StopReason = "client-left" | "shutdown";

class Slot<T> {
  #resolve: ((value: T | Stopped) => void) | null;
  #reject: ((error: unknown) => void) | null;
  #cleanup: (() => void) | null = null;

  constructor(resolve: (value: T | Stopped) => void, reject: (error: unknown) => void) {
    this.#resolve = resolve;
    this.#reject = reject;
  }

  onSettle(cleanup: () => void): void {
    this.#cleanup = cleanup;
  }

  settle(value: T | Stopped): void {
    const resolve = this.#resolve;
    this.#empty();
    resolve?.(value);
  }

  fail(error: unknown): void {
    const reject = this.#reject;
    this.#empty();
    reject?.(error);
  }

  #empty(): void {
    this.#resolve = null;
    this.#reject = null;
    const cleanup = this.#cleanup;
    this.#cleanup = null;
    cleanup?.();
  }
}

export class FrameWriter {
  readonly #res: ServerResponse;
  readonly #unwatch: () => void;
  #slot: Slot<unknown> | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** Null while the stream runs or after its producer finished. */
  reason: StopReason | null = null;

  constructor(res: ServerResponse, signal: AbortSignal) {
    this.#res = res;
    res.on("close", this.#onClose);
    this.#unwatch = watchAbort(signal, this.#onShutdown);
  }

  readonly #onClose = (): void => {
    // 'close' after our own end() is the normal finish; before it, the client left.
    if (!this.#res.writableEnded) this.#stop("client-left");
  };

  readonly #onShutdown = (): void => {
    this.#stop("shutdown");
  };

  #stop(reason: StopReason): void {
    if (this.reason !== null) return;
    this.reason = reason;
    const slot = this.#slot;
    this.#slot = null;
    slot?.settle(STOPPED);
  }

  /** Waits for `work` unless the stream stops first. */
  wait<T>(work: PromiseLike<T>): Promise<T | Stopped> {
    if (this.reason !== null) return Promise.resolve(STOPPED);
    return new Promise<T | Stopped>((resolve, reject) => {
      const slot = new Slot<T>(resolve, reject);
      this.#slot = slot as Slot<unknown>;
      work.then(
        (value) => slot.settle(value),
        (error: unknown) => slot.fail(error),
      );
    });
  }

  /** Writes one frame; false when the socket buffer is full and the caller should wait. */
  write(frame: string | Buffer): boolean {
    this.#timer?.refresh();
    return this.#res.write(frame);
  }

  /** Resolves on 'drain', or with STOPPED when the stream stops first. */
  drained(): Promise<undefined | Stopped> {
    if (this.reason !== null) return Promise.resolve(STOPPED);
    const res = this.#res;
    return new Promise<undefined | Stopped>((resolve, reject) => {
      const slot = new Slot<undefined>(resolve, reject);
      const onDrain = (): void => slot.settle(undefined);
      slot.onSettle(() => res.off("drain", onDrain));
      res.on("drain", onDrain);
      this.#slot = slot as Slot<unknown>;
    });
  }

  /** Sends `frame` after every `ms` idle milliseconds (an unref'd timer, reset by each event). */
  keepAlive(ms: number, frame: string): void {
    const timer = setTimeout(() => {
      // Skip while the client is behind: a keep-alive must never add to a backlog.
      if (this.reason === null && !this.#res.writableNeedDrain) this.#res.write(frame);
      timer.refresh();
    }, ms);
    timer.unref();
    this.#timer = timer;
  }

  /** Drops every listener and timer; the writer holds nothing afterwards. */
  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#res.off("close", this.#onClose);
    this.#unwatch();
    const slot = this.#slot;
    this.#slot = null;
    slot?.settle(STOPPED);
  }
}
