/**
 * The session engine the framework calls around each request: `load` before the handler,
 * `commit` after it and before the status line goes out. Both stay synchronous whenever no
 * I/O is needed, so apps pay for sessions only on requests that use them.
 */
import type { ServerResponse } from "node:http";
import type { Logger } from "../app/logger.js";
import type { ResponseEnv } from "../http/reply.js";
import { watchAbort } from "../realtime/abort-watch.js";
import { type ResolvedSessionConfig, resolveSessionOptions, type SessionOptions } from "./config.js";
import { EngineContext } from "./context.js";
import type { CrossOriginPolicy } from "./cross-origin.js";
import { CsrfTokenCheck } from "./csrf.js";
import { LiveSessions, type SessionEndReason } from "./live.js";
import { loadSession } from "./load.js";
import { commitSession, createSessionCookie } from "./persist.js";
import { InMemoryRevocationStore, type RevocationStore } from "./revocation.js";
import { coreOfSession, liveKeyOf, type Session } from "./session.js";
import type { SessionStore } from "./store.js";
import { InMemorySessionStore } from "./stores/in-memory.js";
import { UserSessionDirectory, type UserSessions } from "./user-sessions.js";

export class SessionEngine {
  readonly cookieName: string;
  readonly store: SessionStore;
  readonly revocationStore: RevocationStore | null;
  /** Checks unsafe requests to session routes; `null` when the app turned it off. */
  readonly crossOrigin: CrossOriginPolicy | null;
  /** The synchronizer-token check, when the app opted in. */
  readonly csrf: CsrfTokenCheck | null;
  /** The session secrets, first one current; signed app cookies derive their keys from them. */
  readonly secrets: readonly Buffer[];
  readonly #ctx: EngineContext;
  /** Connections to close when their session ends; made on the first `watch`. */
  #live: LiveSessions | null = null;
  #userSessions: UserSessions | null = null;

  private constructor(ctx: EngineContext, config: ResolvedSessionConfig) {
    this.#ctx = ctx;
    this.crossOrigin = config.crossOrigin?.policy ?? null;
    const token = config.crossOrigin?.token ?? null;
    this.csrf = token === null ? null : new CsrfTokenCheck(token);
    this.cookieName = ctx.cookieName;
    this.secrets = config.secrets;
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
    const result = commitSession(this.#ctx, session);
    const live = this.#live;
    if (live === null) return result;
    const core = coreOfSession(session);
    if (!(core.invalidated || core.regenerated)) return result;
    const key = liveKeyOf(core);
    if (key === null) return result;
    const reason: SessionEndReason = core.invalidated ? "logout" : "regenerated";
    if (!(result instanceof Promise)) {
      live.ended(key, reason);
      return result;
    }
    return result.then((cookie) => {
      live.ended(key, reason);
      return cookie;
    });
  }

  /**
   * Registers a long-lived connection opened with `session` (a WebSocket, an event stream):
   * `onEnd` runs once when that session ends (logout, regenerated away, ended from the user's
   * session list, user revoked, expired). Returns the function to call when the connection
   * closes on its own, or null for an anonymous session (nothing to watch).
   */
  watch<T extends object>(session: Session<T>, onEnd: (reason: SessionEndReason) => void): (() => void) | null {
    this.#live ??= new LiveSessions(this.#ctx);
    return this.#live.watch(coreOfSession(session), onEnd);
  }

  /** The environment for an event stream opened with `session`: its signal also aborts when the session ends. */
  streamEnv<T extends object, E extends ResponseEnv>(session: Session<T>, env: E, res: ServerResponse): E {
    const ended = new AbortController();
    const unwatch = this.watch(session, () => ended.abort());
    if (unwatch === null) return env;
    const unshut = watchAbort(env.signal, () => ended.abort());
    res.once("close", () => {
      unwatch();
      unshut();
    });
    return { ...env, signal: ended.signal };
  }

  /** "Sign out other devices": a user's sessions, for server-side stores with a per-user index. */
  get userSessions(): UserSessions {
    this.#userSessions ??= new UserSessionDirectory(this.#ctx, (id) => this.#live?.ended(`s:${id}`, "ended"));
    return this.#userSessions;
  }

  /** Live connections being watched (for tests and diagnostics). */
  get liveConnections(): number {
    return this.#live?.size ?? 0;
  }

  /** Stores a session holding `data` and returns its signed cookie value (for the test client). */
  createSessionCookie(data: Record<string, unknown>): Promise<string> {
    return createSessionCookie(this.#ctx, data);
  }

  /** Stops the stores' sweep timers. */
  close(): void {
    this.#live?.close();
    (this.store as { close?: () => void }).close?.();
    (this.revocationStore as { close?: () => void } | null)?.close?.();
  }
}
