/**
 * Live revocation: long-lived connections (WebSockets, event streams) opened with a session
 * end when that session does: logout, regenerated away, deleted from a user's session list,
 * its user revoked, or expired. Connections register here with what identifies their
 * session; the engine reports endings it performs itself, and the stores' change feeds
 * (`subscribe`) report those made by other processes. Nothing is allocated, and no feed is
 * subscribed, until the first connection registers, so apps without them pay nothing.
 */
import type { EngineContext } from "./context.js";
import { isPlainObject } from "./plain-object.js";
import type { RevocationEvent } from "./revocation.js";
import { liveKeyOf, type SessionCore } from "./session.js";
import { SESSION_EXPIRES_AT, type SessionStoreEvent } from "./store.js";

/** The WebSocket close code sent when the connection's session ends (an application code, 4000–4999). */
export const SESSION_ENDED_CLOSE_CODE = 4401;

/** Why a live session ended; the WebSocket close reason is `session ended: <reason>`. */
export type SessionEndReason = "logout" | "regenerated" | "ended" | "revoked" | "expired";

/** Longest delay node's timers accept; longer expiries are re-checked when it elapses. */
const MAX_DELAY_MS = 2_147_483_647;

interface Watcher {
  readonly key: string;
  /** Server-side id to re-check at expiry (the TTL may have been extended by other requests). */
  readonly rowId: string | null;
  readonly userId: string | null;
  readonly issuedAt: number | null;
  readonly deadline: number | null;
  readonly onEnd: (reason: SessionEndReason) => void;
  timer: NodeJS.Timeout | null;
  done: boolean;
}

export class LiveSessions {
  readonly #ctx: EngineContext;
  readonly #byKey = new Map<string, Set<Watcher>>();
  readonly #byUser = new Map<string, Set<Watcher>>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
    // Feed events are handled on the next turn: when this process made the change, the
    // engine reports it first, with the precise reason (logout, regenerated).
    const store = ctx.store;
    if (!ctx.clientSide && typeof store.subscribe === "function") {
      this.#unsubscribe.push(store.subscribe((event: SessionStoreEvent) => setImmediate(() => this.ended(`s:${event.id}`, "ended"))));
    }
    const revocation = ctx.revocation;
    if (revocation !== null && typeof revocation.subscribe === "function") {
      this.#unsubscribe.push(revocation.subscribe((event: RevocationEvent) => setImmediate(() => this.#revoked(event))));
    }
  }

  /** Number of registered connections (for tests and diagnostics). */
  get size(): number {
    let n = 0;
    for (const set of this.#byKey.values()) n += set.size;
    return n;
  }

  /**
   * Registers a connection opened with the session in `core`; `onEnd` runs once when the
   * session ends. Returns the function to call when the connection closes on its own, or
   * null when there is nothing to watch (an anonymous session).
   */
  watch(core: SessionCore, onEnd: (reason: SessionEndReason) => void): (() => void) | null {
    const key = liveKeyOf(core);
    if (core.isNew || key === null) return null;
    const watcher: Watcher = {
      key,
      rowId: this.#ctx.clientSide ? null : core.originalId,
      userId: this.#ctx.userIdOf(core),
      issuedAt: core.issuedAt,
      deadline: this.#ctx.deadline(core),
      onEnd,
      timer: null,
      done: false,
    };
    add(this.#byKey, key, watcher);
    if (watcher.userId !== null) add(this.#byUser, watcher.userId, watcher);
    this.#schedule(watcher, this.#expiryOf(core));
    return () => this.#remove(watcher);
  }

  /** Every connection of the session known by `key` ends with `reason`. */
  ended(key: string, reason: SessionEndReason): void {
    const set = this.#byKey.get(key);
    if (set === undefined) return;
    for (const watcher of [...set]) this.#end(watcher, reason);
  }

  /** Stops the change feeds and every timer (app shutdown). */
  close(): void {
    for (const stop of this.#unsubscribe.splice(0)) stop();
    for (const set of this.#byKey.values()) for (const watcher of set) if (watcher.timer !== null) clearTimeout(watcher.timer);
  }

  #revoked(event: RevocationEvent): void {
    if (event.type === "token") {
      this.ended(`j:${event.tokenId}`, "revoked");
      return;
    }
    const set = this.#byUser.get(event.userId);
    if (set === undefined) return;
    for (const watcher of [...set]) {
      if (watcher.issuedAt === null || watcher.issuedAt < event.cutoff) this.#end(watcher, "revoked");
    }
  }

  /** When the session as the connection knows it expires: the cookie's or row's expiry, or the absolute deadline. */
  #expiryOf(core: SessionCore): number | null {
    const own = this.#ctx.clientSide || this.#ctx.revocation !== null ? core.expiry : (core.rowExpiry ?? null);
    const deadline = this.#ctx.deadline(core);
    if (own === null) return deadline;
    return deadline === null ? own : Math.min(own, deadline);
  }

  #schedule(watcher: Watcher, at: number | null): void {
    if (at === null || watcher.done) return;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, Math.ceil((at - this.#ctx.now()) * 1000)));
    watcher.timer = setTimeout(() => this.#expire(watcher, at), delay);
    watcher.timer.unref();
  }

  /** At the known expiry: a server-side session may have been kept alive meanwhile, so ask the store. */
  #expire(watcher: Watcher, at: number): void {
    watcher.timer = null;
    if (watcher.done) return;
    const now = this.#ctx.now();
    if (now < at) {
      this.#schedule(watcher, at);
      return;
    }
    if (watcher.rowId === null || (watcher.deadline !== null && now >= watcher.deadline)) {
      this.#end(watcher, "expired");
      return;
    }
    this.#ctx.store.load(watcher.rowId).then(
      (row) => {
        if (watcher.done) return;
        if (!isPlainObject(row)) return this.#end(watcher, "expired");
        const expiry = (row as { [SESSION_EXPIRES_AT]?: unknown })[SESSION_EXPIRES_AT];
        const next = typeof expiry === "number" ? expiry : null;
        const until = watcher.deadline === null ? next : next === null ? watcher.deadline : Math.min(next, watcher.deadline);
        this.#schedule(watcher, until);
      },
      // The store is down: keep the connection; the next check or event decides.
      () => this.#schedule(watcher, this.#ctx.now() + 5),
    );
  }

  #end(watcher: Watcher, reason: SessionEndReason): void {
    if (watcher.done) return;
    this.#remove(watcher);
    try {
      watcher.onEnd(reason);
    } catch (error) {
      this.#ctx.logger.error("sessions: closing a connection whose session ended failed", { error });
    }
  }

  #remove(watcher: Watcher): void {
    if (watcher.done) return;
    watcher.done = true;
    if (watcher.timer !== null) clearTimeout(watcher.timer);
    watcher.timer = null;
    drop(this.#byKey, watcher.key, watcher);
    if (watcher.userId !== null) drop(this.#byUser, watcher.userId, watcher);
  }
}

function add(map: Map<string, Set<Watcher>>, key: string, watcher: Watcher): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(watcher);
}

function drop(map: Map<string, Set<Watcher>>, key: string, watcher: Watcher): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(watcher);
  if (set.size === 0) map.delete(key);
}
