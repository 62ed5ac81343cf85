/**
 * Admission: the session load, then the guards. HTTP requests and WebSocket upgrades both
 * pass through it before anything else of theirs runs.
 */
import { runGuards } from "../guards/index.js";
import type { AppSession } from "../http/context.js";
import type { HandlerContext } from "../http/handler-context.js";
import type { SessionEngine } from "../sessions/index.js";
import type { Endpoint } from "./endpoint.js";

/**
 * Loads the session onto `ctx` (when the endpoint uses one), runs `verify` on it (the
 * synchronizer-token check of unsafe HTTP routes), then the guards.
 */
export async function admit(
  endpoint: Endpoint,
  ctx: HandlerContext,
  sessions: SessionEngine | null,
  cookie: string | undefined,
  verify: ((session: AppSession) => unknown) | null = null,
): Promise<AppSession | null> {
  let session: AppSession | null = null;
  if (endpoint.sessions) {
    const loaded = (sessions as SessionEngine).load(cookie);
    session = (loaded instanceof Promise ? await loaded : loaded) as AppSession;
    ctx.loadedSession = session;
    if (verify !== null) await verify(session);
  }
  if (endpoint.guards !== null) await runGuards(endpoint.guards, endpoint.descriptor, ctx);
  return session;
}
