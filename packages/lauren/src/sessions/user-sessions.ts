/**
 * "Sign out other devices": list a user's live sessions and end one, all but the current
 * one, or all. It needs a server-side store with a per-user index (`listByUser`), which
 * the engine keeps up to date on every save; ending a session deletes it, so its next
 * request is anonymous and its open WebSockets and event streams close at once.
 * Injectable anywhere as `UserSessions` when sessions are on.
 */
import { createHash } from "node:crypto";
import type { EngineContext } from "./context.js";
import { SessionConfigError } from "./errors.js";
import { publicData } from "./session.js";
import type { StoredSessionInfo } from "./store.js";

/** One of a user's live sessions, safe to show to that user. */
export interface SessionInfo {
  /** A hash of the session id: stable, safe to show and to send back to `end()`; never the id itself. */
  id: string;
  /** When the session was created, epoch seconds. */
  createdAt: number;
  /** When the store last saw it used, epoch seconds. */
  lastSeenAt: number;
  /** When it expires unless used again, epoch seconds; null for no server-side expiry. */
  expiresAt: number | null;
  /** `true` for the session passed as `current`. */
  current: boolean;
  /** The session data (a copy, without Lauren's internal keys): read what your app stored at login, e.g. a user agent. */
  data: Record<string, unknown>;
}

/** The hash under which a session id is shown: base64url SHA-256, 22 characters. */
export function sessionIdHash(id: string): string {
  return createHash("sha256").update(`lauren session id:${id}`).digest("base64url").slice(0, 22);
}

/** The caller's own session (`ctx.session`); only its id is used. */
export interface CurrentSession {
  readonly id: string | null;
}

export abstract class UserSessions {
  /** The user's live sessions, most recently seen first; `current` marks the caller's own. */
  abstract list(userId: string | number, current?: CurrentSession): Promise<SessionInfo[]>;
  /** Ends the user's session with this `id` (from `list`); `false` when the user has no such session. */
  abstract end(userId: string | number, id: string): Promise<boolean>;
  /** Ends every session of the user except `current`; resolves with how many ended. */
  abstract endOthers(userId: string | number, current: CurrentSession): Promise<number>;
  /** Ends every session of the user; resolves with how many ended. */
  abstract endAll(userId: string | number): Promise<number>;
}

export class UserSessionDirectory extends UserSessions {
  readonly #ctx: EngineContext;
  readonly #ended: (id: string) => void;

  constructor(ctx: EngineContext, ended: (id: string) => void) {
    super();
    this.#ctx = ctx;
    this.#ended = ended;
  }

  async list(userId: string | number, current?: CurrentSession): Promise<SessionInfo[]> {
    const currentId = current?.id ?? null;
    const rows = await this.#rows(userId);
    return rows
      .map((row) => ({
        id: sessionIdHash(row.id),
        createdAt: row.createdAt,
        lastSeenAt: row.lastSeenAt,
        expiresAt: row.expiresAt,
        current: row.id === currentId,
        data: publicData(row.data),
      }))
      .sort((a, b) => b.lastSeenAt - a.lastSeenAt);
  }

  async end(userId: string | number, id: string): Promise<boolean> {
    const row = (await this.#rows(userId)).find((r) => sessionIdHash(r.id) === id);
    if (row === undefined) return false;
    await this.#end(row.id);
    return true;
  }

  async endOthers(userId: string | number, current: CurrentSession): Promise<number> {
    const keep = current.id;
    const rows = (await this.#rows(userId)).filter((r) => r.id !== keep);
    for (const row of rows) await this.#end(row.id);
    return rows.length;
  }

  async endAll(userId: string | number): Promise<number> {
    const rows = await this.#rows(userId);
    for (const row of rows) await this.#end(row.id);
    return rows.length;
  }

  async #end(id: string): Promise<void> {
    await this.#ctx.delete(id);
    this.#ended(id);
  }

  /** The user's sessions from the index, without those past their absolute lifetime. */
  async #rows(userId: string | number): Promise<StoredSessionInfo[]> {
    const store = this.#ctx.store;
    if (this.#ctx.clientSide || typeof store.listByUser !== "function") {
      throw new SessionConfigError(
        `UserSessions needs a server-side session store with a per-user index (listByUser); ${store.constructor.name} has none. ` +
          "Use InMemorySessionStore or a shared store that implements it (the Redis one). With a cookie store, end a user's other sessions with revokeUser() and regenerateId().",
      );
    }
    const rows = await this.#ctx.listByUser(String(userId));
    const absolute = this.#ctx.absoluteTimeout;
    if (absolute === null) return rows;
    const now = this.#ctx.now();
    return rows.filter((row) => {
      const created = row.data._created;
      return typeof created !== "number" || now < created + absolute;
    });
  }
}
