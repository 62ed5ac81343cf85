/**
 * What a gateway handler receives: `{ ws, data, session, request }`. One context object is
 * made per connection and per message; the session is a read-only view because an open
 * socket has no response left to carry a `Set-Cookie`.
 */
import type { AppSession } from "../../http/context.js";
import type { LaurenRequest } from "../../http/request.js";
import { SessionConfigError } from "../../sessions/index.js";
import type { WebSocketConnection } from "./connection.js";

/** The session as the upgrade request's cookie had it: readable, never writable. */
export type ReadonlySession = Pick<AppSession, "get" | "has" | "keys" | "entries" | "size" | "toJSON" | "isNew">;

/** `data` of an `@onDisconnect` handler. */
export interface WsCloseInfo {
  readonly code: number;
  readonly reason: string;
}

export interface WsCtx<D = unknown> {
  /** This connection: send to it, close it, keep it in a `BroadcastGroup`. */
  readonly ws: WebSocketConnection;
  /** The message payload (`@onMessage`), `{ code, reason }` (`@onDisconnect`) or undefined (`@onConnect`). */
  readonly data: D;
  /** The session from the upgrade request's cookie; throws when sessions are off for this gateway. */
  readonly session: ReadonlySession;
  /** The upgrade request: headers, query, cookies, ip. */
  readonly request: LaurenRequest;
}

/** Shared by every context of one connection; fixed when the connection opens. */
export interface ConnectionScope {
  readonly ws: WebSocketConnection;
  readonly request: LaurenRequest;
  readonly session: ReadonlySession | null;
  /** Why there is no session, for the error message. */
  readonly sessionsOffReason: string;
}

export class WsContext<D> implements WsCtx<D> {
  readonly #scope: ConnectionScope;
  readonly data: D;

  constructor(scope: ConnectionScope, data: D) {
    this.#scope = scope;
    this.data = data;
  }

  get ws(): WebSocketConnection {
    return this.#scope.ws;
  }

  get request(): LaurenRequest {
    return this.#scope.request;
  }

  get session(): ReadonlySession {
    const session = this.#scope.session;
    if (session === null) throw new SessionConfigError(this.#scope.sessionsOffReason);
    return session;
  }
}

/** A frozen view that forwards reads to the loaded session and offers no way to write. */
export function readonlySession(session: AppSession): ReadonlySession {
  return Object.freeze({
    get: session.get.bind(session),
    has: session.has.bind(session),
    keys: session.keys.bind(session),
    entries: session.entries.bind(session),
    toJSON: session.toJSON.bind(session),
    get size() {
      return session.size;
    },
    get isNew() {
      return session.isNew;
    },
  }) as ReadonlySession;
}
