/**
 * The session engine the framework calls around each request: `load` before the handler,
 * `commit` after it and before the status line goes out. Both stay synchronous whenever no
 * I/O is needed, so apps pay for sessions only on requests that use them.
 */
import type { Logger } from "../app/logger.js";
import { type ResolvedSessionConfig, resolveSessionOptions, type SessionOptions } from "./config.js";
import { EngineContext } from "./context.js";
import type { CrossOriginPolicy } from "./cross-origin.js";
import { CsrfTokenCheck } from "./csrf.js";
import { loadSession } from "./load.js";
import { commitSession, createSessionCookie } from "./persist.js";
import { InMemoryRevocationStore, type RevocationStore } from "./revocation.js";
import type { Session } from "./session.js";
import type { SessionStore } from "./store.js";
import { InMemorySessionStore } from "./stores/in-memory.js";

export class SessionEngine {
  readonly cookieName: string;
  readonly store: SessionStore;
  readonly revocationStore: RevocationStore | null;
  /** Checks unsafe requests to session routes; `null` when the app turned it off. */
  readonly crossOrigin: CrossOriginPolicy | null;
  /** The synchronizer-token check, when the app opted in. */
  readonly csrf: CsrfTokenCheck | null;
  readonly #ctx: EngineContext;

  private constructor(ctx: EngineContext, config: ResolvedSessionConfig) {
    this.#ctx = ctx;
    this.crossOrigin = config.crossOrigin?.policy ?? null;
    const token = config.crossOrigin?.token ?? null;
    this.csrf = token === null ? null : new CsrfTokenCheck(token);
    this.cookieName = ctx.cookieName;
    this.store = ctx.store;
    this.revocationStore = ctx.revocation;
  }

  /** Validates `options` (throwing `SessionConfigError`) and builds the engine. */
  static create(options: SessionOptions, logger: Logger): SessionEngine {
    const config = resolveSessionOptions(options);
    // A user cutoff must outlive every cookie issued before it; only the options know how
    // long that is (the longest window an envelope's expiry can reach).
    if (config.revocation !== null) config.revocation.sessionLifetime = (config.idleTimeout ?? config.maxAge) as number;
    if (config.store instanceof InMemorySessionStore) {
      logger.info(
        "sessions: InMemorySessionStore keeps sessions in this process only; they are lost on restart and not shared between workers (use a shared store such as Redis for more than one process)",
      );
    }
    if (config.revocation instanceof InMemoryRevocationStore) {
      logger.info(
        "sessions: InMemoryRevocationStore keeps revocations in this process only; other workers will not see them (use a shared store such as Redis for more than one process)",
      );
    }
    return new SessionEngine(new EngineContext(config, logger), config);
  }

  /**
   * The session for a request, from its raw `Cookie` header. Synchronous when there is no
   * usable cookie; rejects with `SessionStoreUnavailableError` when the store fails.
   */
  load(cookieHeader: string | undefined): Session | Promise<Session> {
    return loadSession(this.#ctx, cookieHeader);
  }

  /**
   * Persists `session` and returns the `Set-Cookie` header value to send, or `null`.
   * Synchronous for a pure read. Call once per request, before the headers are written.
   * Fails with `SessionStoreUnavailableError` (503) or `SessionTooLargeError` (500); the
   * latter is thrown synchronously when no I/O was needed, so callers handle both forms.
   */
  commit<T extends object>(session: Session<T>): string | null | Promise<string | null> {
    return commitSession(this.#ctx, session);
  }

  /** Stores a session holding `data` and returns its signed cookie value (for the test client). */
  createSessionCookie(data: Record<string, unknown>): Promise<string> {
    return createSessionCookie(this.#ctx, data);
  }

  /** Stops the stores' sweep timers. */
  close(): void {
    (this.store as { close?: () => void }).close?.();
    (this.revocationStore as { close?: () => void } | null)?.close?.();
  }
}
