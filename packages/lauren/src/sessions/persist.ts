/**
 * Persist, on the way out, dirty-tracked: a pure read writes nothing and sends no cookie,
 * and returns synchronously. Writes merge the changed and deleted keys into what the store
 * holds now; a save for an id that came in on a cookie never recreates a row another
 * request has deleted (logout, login elsewhere).
 */
import type { EngineContext } from "./context.js";
import { fromMap, isPlainObject, toMap } from "./plain-object.js";
import { coreOfSession, type Session, SessionCore } from "./session.js";
import { isSessionId, type SaveOptions } from "./store.js";

export function commitSession<T extends object>(ctx: EngineContext, session: Session<T>): string | null | Promise<string | null> {
  const core = coreOfSession(session);
  if (core.invalidated) return commitInvalidated(ctx, core);
  if (ctx.absoluteTimeout !== null && core.modified) ctx.stampCreated(core);
  return ctx.clientSide ? commitCookieStore(ctx, core) : commitServerStore(ctx, core);
}

/** For the test client: a stored session holding `data`, as its signed cookie value. */
export async function createSessionCookie(ctx: EngineContext, data: Record<string, unknown>): Promise<string> {
  if (!isPlainObject(data)) throw new TypeError("createSessionCookie(data) needs a plain object");
  const core = new SessionCore(true, ctx.clientSide ? null : ctx.store);
  core.data = toMap(data);
  if (ctx.absoluteTimeout !== null) ctx.stampCreated(core);
  if (!ctx.clientSide) return persistNew(ctx, core);
  if (ctx.revocation === null) return ctx.sealData(core, null, null);
  return ctx.sealData(core, ctx.revocation.newTokenId(), ctx.now());
}

function commitInvalidated(ctx: EngineContext, core: SessionCore): string | Promise<string> {
  const deleteRow = !ctx.clientSide && core.originalId !== null;
  const revoke = ctx.revocation !== null && core.tokenId !== null;
  if (!deleteRow && !revoke) return ctx.cookies.expire();
  return invalidate(ctx, core, deleteRow, revoke);
}

async function invalidate(ctx: EngineContext, core: SessionCore, deleteRow: boolean, revoke: boolean): Promise<string> {
  if (deleteRow) await ctx.delete(core.originalId as string);
  if (revoke) await ctx.revokeToken(core.tokenId as string, ctx.remainingLife(core));
  return ctx.cookies.expire();
}

/** Idle refresh is due when less than half the idle window remains (or the expiry is unknown). */
function refreshDue(ctx: EngineContext, core: SessionCore): boolean {
  if (ctx.idleTimeout === null || core.isNew) return false;
  const expiry = ctx.clientSide || ctx.revocation !== null ? core.expiry : core.rowExpiry;
  if (expiry === null || expiry === undefined) return true;
  return expiry - ctx.now() < ctx.idleTimeout / 2;
}

function commitCookieStore(ctx: EngineContext, core: SessionCore): string | null | Promise<string | null> {
  if (core.isNew && core.size === 0) return null;
  const emit = core.modified || (!core.isNew && (ctx.rolling || core.keyIndex > 0 || refreshDue(ctx, core)));
  if (!emit) return null;
  if (ctx.revocation === null) return ctx.setCookie(core, ctx.sealData(core, null, null));
  if (core.tokenId !== null && !core.regenerated) {
    return ctx.setCookie(core, ctx.sealData(core, core.tokenId, core.issuedAt));
  }
  // A new token (and issued-at, so a just-revoked user keeps this device); the old token is
  // deny-listed only after the new cookie is known to fit.
  const sealed = ctx.sealData(core, ctx.revocation.newTokenId(), ctx.now());
  if (core.tokenId === null) return ctx.setCookie(core, sealed);
  return revokeThenSet(ctx, core, sealed);
}

async function revokeThenSet(ctx: EngineContext, core: SessionCore, sealed: string): Promise<string | null> {
  // Revoked since this request loaded it (a logout in another tab): a new token would bring it back.
  if (await ctx.isTokenRevoked(core.tokenId as string)) return null;
  await ctx.revokeToken(core.tokenId as string, ctx.remainingLife(core));
  return ctx.setCookie(core, sealed);
}

function commitServerStore(ctx: EngineContext, core: SessionCore): string | null | Promise<string | null> {
  if (core.originalId === null) {
    if (!core.modified || core.size === 0) return null;
    return persistFirst(ctx, core);
  }
  if (core.regenerated) return persistRegenerated(ctx, core);
  const due = refreshDue(ctx, core);
  const reissue = ctx.rolling || core.keyIndex > 0 || (due && ctx.revocation !== null);
  if (core.modified) return saveChanges(ctx, core, reissue);
  if (ctx.rolling || due) return touch(ctx, core, reissue);
  return reissue ? ctx.setCookie(core, ctx.sealId(core)) : null;
}

/**
 * Creates the row under a freshly minted id; returns the signed cookie value. Synchronous
 * when the store answers at once (rows in this process).
 */
function persistNew(ctx: EngineContext, core: SessionCore): string | Promise<string> {
  const id = core.id ?? ctx.store.newId();
  // Load rejects any other shape without asking the store, so such an id could never be read back.
  if (!isSessionId(id)) {
    throw new TypeError(`SessionStore.newId() must return 43 base64url characters (32 random bytes); got ${JSON.stringify(id)}`);
  }
  core.id = id;
  const data = fromMap(core.data);
  const opts: SaveOptions = { ttl: ctx.ttlFor(core), changed: Object.keys(data), deleted: [], minted: true };
  ctx.fileUnderUser(core, opts);
  const saved = ctx.saveForWrite(id, data, opts);
  if (saved instanceof Promise) return saved.then(() => sealNew(ctx, core));
  return sealNew(ctx, core);
}

function sealNew(ctx: EngineContext, core: SessionCore): string {
  core.issuedAt = ctx.now();
  return ctx.sealId(core);
}

function persistFirst(ctx: EngineContext, core: SessionCore): string | Promise<string> {
  const value = persistNew(ctx, core);
  if (value instanceof Promise) return value.then((sealed) => ctx.setCookie(core, sealed));
  return ctx.setCookie(core, value);
}

/**
 * Login: the data moves to the new id first, then the old row goes, so a failure loses nothing.
 * A row deleted since this request loaded it (a logout elsewhere) is not copied back to life.
 */
async function persistRegenerated(ctx: EngineContext, core: SessionCore): Promise<string | null> {
  const row = await ctx.load(core.originalId as string);
  if (row === null || row === undefined) return null;
  const value = await persistNew(ctx, core);
  await ctx.delete(core.originalId as string);
  return ctx.setCookie(core, value);
}

async function saveChanges(ctx: EngineContext, core: SessionCore, reissue: boolean): Promise<string | null> {
  const changed = core.changed === null ? [] : [...core.changed];
  const deleted = core.deleted === null ? [] : [...core.deleted];
  const opts: SaveOptions = { ttl: ctx.ttlFor(core), changed, deleted, minted: false };
  ctx.fileUnderUser(core, opts);
  const saved = await ctx.save(core.originalId as string, fromMap(core.data), opts);
  // Dropped: another request deleted the row since we loaded it, so no cookie either.
  if (!saved) return null;
  return reissue ? ctx.setCookie(core, ctx.sealId(core)) : null;
}

async function touch(ctx: EngineContext, core: SessionCore, reissue: boolean): Promise<string | null> {
  const ttl = ctx.ttlFor(core);
  if (ttl !== null) await ctx.touch(core.originalId as string, ttl, fromMap(core.data));
  return reissue ? ctx.setCookie(core, ctx.sealId(core)) : null;
}
