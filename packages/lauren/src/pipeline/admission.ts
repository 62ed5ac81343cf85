/**
 * Admission: the session load, then the guards. HTTP requests and WebSocket upgrades both
 * pass through it before anything else of theirs runs.
 */
import { runGuards } from "../guards/index.js";
import type { AppSession } from "../http/context.js";
import type { HandlerContext } from "../http/handler-context.js";
import type { SessionEngine } from "../sessions/index.js";
import type { Endpoint } from "./endpoint.js";

type Verify = ((session: AppSession) => unknown) | null;

/**
 * Loads the session onto `ctx` (when the endpoint uses one), runs `verify` on it (the
 * synchronizer-token check of unsafe HTTP routes), then the guards. Synchronous when every
 * step is (an anonymous visitor, a cookie store, no guards): each await that is not needed
 * costs the request a trip through the microtask queue.
 */
export function admit(
  endpoint: Endpoint,
  ctx: HandlerContext,
  sessions: SessionEngine | null,
  cookie: string | undefined,
  verify: Verify = null,
): AppSession | null | Promise<AppSession | null> {
  if (!endpoint.sessions) return endpoint.guards === null ? null : guarded(endpoint, ctx, null);
  const loaded = (sessions as SessionEngine).load(cookie) as AppSession | Promise<AppSession>;
  if (loaded instanceof Promise) return loaded.then((session) => loadedThen(endpoint, ctx, session, verify));
  return loadedThen(endpoint, ctx, loaded, verify);
}

function loadedThen(endpoint: Endpoint, ctx: HandlerContext, session: AppSession, verify: Verify): AppSession | Promise<AppSession> {
  ctx.loadedSession = session;
  if (verify !== null) {
    const checked = verify(session);
    if (checked instanceof Promise) return checked.then(() => (endpoint.guards === null ? session : guarded(endpoint, ctx, session)));
  }
  return endpoint.guards === null ? session : guarded(endpoint, ctx, session);
}

function guarded<S extends AppSession | null>(endpoint: Endpoint, ctx: HandlerContext, session: S): Promise<S> {
  return runGuards(endpoint.guards ?? [], endpoint.descriptor, ctx).then(() => session);
}
