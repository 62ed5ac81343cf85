/**
 * Revocation (opt-in): a small server-side index of what was revoked, which makes logout
 * real for the stateless cookie store and offers "log out everywhere". It holds only
 * revoked token ids and per-user cutoffs, each dropped once the cookies it refers to could
 * no longer be presented, so it stays bounded. An abstract class so it can be injected.
 */
import { randomToken } from "./random.js";
import { positiveInteger, systemClock } from "./stores/store-options.js";
import { Sweeper } from "./stores/sweeper.js";

export interface RevokeUserOptions {
  /** Sessions issued before this epoch-seconds instant are rejected (default: now). */
  cutoff?: number;
  /** Seconds to remember the cutoff (default: `sessionLifetime`). */
  ttl?: number;
}

/** What `RevocationStore.subscribe` reports: a token deny-listed, or a user's cutoff set. */
export type RevocationEvent = { type: "token"; tokenId: string } | { type: "user"; userId: string; cutoff: number };

export abstract class RevocationStore {
  /**
   * The longest a cookie issued now can be presented, in seconds. The session engine sets
   * it at start-up from `idleTimeout ?? maxAge`; a user cutoff older than this prunes itself.
   */
  sessionLifetime = 1_209_600;

  /** A fresh token id (`j`) for a revocable cookie: 16 random bytes, base64url. */
  newTokenId(): string {
    return randomToken(16);
  }

  /** Deny-lists one cookie's token id for `ttl` seconds (its remaining life). */
  abstract revokeToken(tokenId: string, ttl: number): Promise<void>;
  abstract isTokenRevoked(tokenId: string): Promise<boolean>;
  /** Rejects every session of `userId` issued before the cutoff (now by default). */
  abstract revokeUser(userId: string | number, options?: RevokeUserOptions): Promise<void>;
  /** The user's cutoff in epoch seconds, or `null` when there is none. */
  abstract userCutoff(userId: string | number): Promise<number | null>;
  /**
   * Optional change feed: calls `listener` for every `revokeToken` and `revokeUser` made by
   * any process using this store (a shared store publishes them, e.g. over Redis pub/sub),
   * so open WebSockets and event streams of revoked sessions close at once. `userId` is
   * reported as a string. Returns the function that unsubscribes.
   */
  subscribe?(listener: (event: RevocationEvent) => void): () => void;
}

export interface InMemoryRevocationStoreOptions {
  /** How often expired entries are swept, in milliseconds (default 60 000). */
  sweepIntervalMs?: number;
  /** Epoch seconds as a float; for tests. */
  clock?: () => number;
}

interface Cutoff {
  at: number;
  expiresAt: number;
}

const RESOLVED = Promise.resolve();
const RESOLVED_TRUE = Promise.resolve(true);
const RESOLVED_FALSE = Promise.resolve(false);
const RESOLVED_NULL = Promise.resolve(null);

/** Per-process revocation index: fine for one worker; several workers need a shared one. */
export class InMemoryRevocationStore extends RevocationStore {
  readonly #tokens = new Map<string, number>();
  readonly #users = new Map<string, Cutoff>();
  readonly #listeners = new Set<(event: RevocationEvent) => void>();
  readonly #clock: () => number;
  readonly #sweeper: Sweeper;

  constructor(options: InMemoryRevocationStoreOptions = {}) {
    super();
    this.#clock = options.clock ?? systemClock;
    const interval = positiveInteger(options.sweepIntervalMs, 60_000, "InMemoryRevocationStore sweepIntervalMs");
    this.#sweeper = new Sweeper(interval, () => this.sweep());
  }

  /** Entries held (revoked tokens plus user cutoffs), expired ones until swept. */
  get size(): number {
    return this.#tokens.size + this.#users.size;
  }

  revokeToken(tokenId: string, ttl: number): Promise<void> {
    this.#tokens.set(tokenId, this.#clock() + ttl);
    this.#sweeper.ensureRunning();
    this.#emit({ type: "token", tokenId });
    return RESOLVED;
  }

  isTokenRevoked(tokenId: string): Promise<boolean> {
    const expiresAt = this.#tokens.get(tokenId);
    if (expiresAt === undefined) return RESOLVED_FALSE;
    if (this.#clock() < expiresAt) return RESOLVED_TRUE;
    this.#tokens.delete(tokenId);
    return RESOLVED_FALSE;
  }

  revokeUser(userId: string | number, options: RevokeUserOptions = {}): Promise<void> {
    const now = this.#clock();
    const at = options.cutoff ?? now;
    const expiresAt = Math.max(at, now) + (options.ttl ?? this.sessionLifetime);
    this.#users.set(String(userId), { at, expiresAt });
    this.#sweeper.ensureRunning();
    this.#emit({ type: "user", userId: String(userId), cutoff: at });
    return RESOLVED;
  }

  userCutoff(userId: string | number): Promise<number | null> {
    const key = String(userId);
    const entry = this.#users.get(key);
    if (entry === undefined) return RESOLVED_NULL;
    if (this.#clock() < entry.expiresAt) return Promise.resolve(entry.at);
    this.#users.delete(key);
    return RESOLVED_NULL;
  }

  override subscribe(listener: (event: RevocationEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #emit(event: RevocationEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not undo or fail the revocation itself.
      }
    }
  }

  /** Drops every expired entry now (the timer calls this periodically). */
  sweep(): void {
    const now = this.#clock();
    for (const [id, expiresAt] of this.#tokens) if (now >= expiresAt) this.#tokens.delete(id);
    for (const [id, entry] of this.#users) if (now >= entry.expiresAt) this.#users.delete(id);
  }

  /** Stops the sweep timer. */
  close(): void {
    this.#sweeper.stop();
  }
}
