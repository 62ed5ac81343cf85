/**
 * `WebSocketConnection` is what gateways and broadcast groups hold: a small wrapper over a
 * `ws` socket with an id, JSON sending and a guard against slow readers (a client that
 * stops reading is dropped instead of growing the server's send buffer without bound).
 */
import { randomUUID } from "node:crypto";
import type { WebSocket } from "ws";

/** The runtime's key for telling a connection its socket closed. */
export const NOTIFY_CLOSED: unique symbol = Symbol("lauren.ws.notifyClosed");

/** Sending on a connection that is closing or closed. */
export class WebSocketClosedError extends Error {
  constructor(id: string) {
    super(`WebSocket connection ${id} is not open`);
    this.name = "WebSocketClosedError";
  }
}

/** Key of the connection's send for text already encoded (used by broadcasts, not public). */
export const SEND_TEXT_BYTES: unique symbol = Symbol("lauren.ws.sendTextBytes");

export class WebSocketConnection {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  /** A random id, unique per connection (handy as a map key or in logs). */
  readonly id: string;
  /** The request path, as sent. */
  readonly path: string;
  /** Path parameters of the gateway's route (`/rooms/{room}` → `{ room }`). */
  readonly params: Readonly<Record<string, string>>;
  /** A bag for whatever the gateway wants to keep per connection. */
  readonly state: Record<string, unknown> = {};
  readonly #socket: WebSocket;
  readonly #maxBuffered: number;
  readonly #closeHooks = new Set<() => void>();

  constructor(socket: WebSocket, path: string, params: Readonly<Record<string, string>>, maxBufferedBytes: number) {
    this.id = randomUUID();
    this.#socket = socket;
    this.path = path;
    this.params = params;
    this.#maxBuffered = maxBufferedBytes;
  }

  /** 0 connecting, 1 open, 2 closing, 3 closed (the browser's constants, also static on this class). */
  get readyState(): number {
    return this.#socket.readyState;
  }

  get isOpen(): boolean {
    return this.#socket.readyState === 1;
  }

  /** Bytes queued for this client and not yet written to its socket. */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  /** Sends a text frame. Throws WebSocketClosedError when the connection is not open. */
  send(text: string): void {
    this.#writable();
    this.#socket.send(text);
  }

  /**
   * Internal: a text frame whose UTF-8 bytes are already made, for a broadcast that sends one
   * message to many connections (encoded once, not once per connection).
   */
  [SEND_TEXT_BYTES](bytes: Buffer): void {
    this.#writable();
    this.#socket.send(bytes, { binary: false });
  }

  #writable(): void {
    if (this.#socket.readyState !== 1) throw new WebSocketClosedError(this.id);
    if (this.#socket.bufferedAmount > this.#maxBuffered) {
      // The client stopped reading; keeping its backlog would let it exhaust our memory.
      this.#socket.terminate();
      throw new WebSocketClosedError(this.id);
    }
  }

  /** Sends `value` as compact JSON in a text frame. */
  sendJson(value: unknown): void {
    this.send(JSON.stringify(value));
  }

  /** Starts the closing handshake (1000 = normal closure). Safe to call twice. */
  close(code = 1000, reason = ""): void {
    const state = this.#socket.readyState;
    if (state === 2 || state === 3) return;
    this.#socket.close(code, reason);
  }

  /** Drops the connection at once, without a closing handshake. */
  terminate(): void {
    this.#socket.terminate();
  }

  /** Runs `fn` once when the connection closes; returns a function that cancels it. For BroadcastGroup. */
  whenClosed(fn: () => void): () => void {
    if (this.#socket.readyState === 3) {
      fn();
      return () => undefined;
    }
    this.#closeHooks.add(fn);
    return () => {
      this.#closeHooks.delete(fn);
    };
  }

  /** Called by the runtime once the socket closed (a symbol, so it is not part of the public surface). */
  [NOTIFY_CLOSED](): void {
    for (const fn of [...this.#closeHooks]) {
      try {
        fn();
      } catch {
        // A close hook has nobody to report to; the connection is gone either way.
      }
    }
    this.#closeHooks.clear();
  }
}
