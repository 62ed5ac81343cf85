/**
 * Load, on the way in. Everything that can be rejected without I/O (no cookie, duplicate,
 * bad signature, undecodable or expired envelope, malformed id) is rejected synchronously,
 * so the anonymous path never allocates a promise and garbage never reaches the store.
 */
import type { CookieCipher } from "./cipher.js";
import type { EngineContext } from "./context.js";
import { readCookie } from "./cookie.js";
import { decodeEnvelope } from "./envelope.js";
import { CREATED_KEY } from "./lifetime.js";
import { isPlainObject, own, toMap } from "./plain-object.js";
import { type Session, SessionCore, sessionFromCore } from "./session.js";
import { isSessionId, SESSION_EXPIRES_AT } from "./store.js";

export function loadSession(ctx: EngineContext, cookieHeader: string | undefined): Session | Promise<Session> {
  const raw = readCookie(cookieHeader, ctx.cookieName, ctx.maxInbound);
  if (raw === null) return ctx.anonymous();
  if (ctx.cipher !== null) return loadSealed(ctx, raw);
  const dot = raw.lastIndexOf(".");
  if (dot < 0) return ctx.anonymous();
  const value = raw.slice(0, dot);
  const keyIndex = ctx.signer.verify(value, raw.slice(dot + 1));
  if (keyIndex < 0) return ctx.anonymous();

  if (!ctx.clientSide && ctx.revocation === null) {
    if (!isSessionId(value)) return ctx.anonymous();
    return loadRow(ctx, value, inbound(ctx, keyIndex));
  }
  const envelope = decodeEnvelope(ctx.serializer, value);
  if (envelope === null) return ctx.anonymous();
  const core = inbound(ctx, keyIndex);
  if (!readEnvelope(ctx, core, envelope)) return ctx.anonymous();
  if (!ctx.clientSide) {
    const id = own(envelope, "i");
    return isSessionId(id) ? loadRow(ctx, id, core) : ctx.anonymous();
  }
  return withData(ctx, core, envelope, raw);
}

/** The encrypted cookie store: the cookie opens (authenticated) or the session is anonymous. */
function loadSealed(ctx: EngineContext, raw: string): Session | Promise<Session> {
  const opened = (ctx.cipher as CookieCipher).open(raw);
  if (opened === null) return ctx.anonymous();
  const envelope = decodeEnvelope(ctx.serializer, opened.plaintext);
  if (envelope === null) return ctx.anonymous();
  const core = inbound(ctx, opened.keyIndex);
  if (!readEnvelope(ctx, core, envelope)) return ctx.anonymous();
  return withData(ctx, core, envelope, raw);
}

function withData(ctx: EngineContext, core: SessionCore, envelope: Record<string, unknown>, raw: string): Session | Promise<Session> {
  const data = own(envelope, "d");
  if (!isPlainObject(data)) return ctx.anonymous();
  core.data = toMap(data);
  core.inboundCookie = raw;
  if (ctx.absoluteTimeout !== null && pastDeadline(ctx, core)) return ctx.anonymous();
  return ctx.revocation === null ? sessionFromCore(core) : checkRevoked(ctx, core);
}

function inbound(ctx: EngineContext, keyIndex: number): SessionCore {
  const core = new SessionCore(false, ctx.clientSide ? null : ctx.store);
  core.keyIndex = keyIndex;
  return core;
}

/**
 * Reads `x` (and, with revocation, `t` and `j`) into `core`; `false` rejects the cookie.
 * With revocation on, all three are required: a cookie without an expiry could outlive
 * its deny-list entry, and one without an issued-at would escape `revokeUser`.
 */
function readEnvelope(ctx: EngineContext, core: SessionCore, envelope: Record<string, unknown>): boolean {
  const expiry = own(envelope, "x");
  if (expiry === undefined || expiry === null) {
    if (ctx.revocation !== null) return false;
  } else {
    if (typeof expiry !== "number" || !(ctx.now() < expiry)) return false;
    core.expiry = expiry;
  }
  if (ctx.revocation === null) return true;
  const issuedAt = own(envelope, "t");
  if (typeof issuedAt !== "number") return false;
  core.issuedAt = issuedAt;
  if (!ctx.clientSide) return true;
  const tokenId = own(envelope, "j");
  if (typeof tokenId !== "string" || tokenId === "") return false;
  core.tokenId = tokenId;
  return true;
}

/** Synchronous when the store answers at once (rows in this process) and no check needs I/O. */
function loadRow(ctx: EngineContext, id: string, core: SessionCore): Session | Promise<Session> {
  const row = ctx.loadForRead(id);
  if (row instanceof Promise) return row.then((loaded) => withRow(ctx, id, core, loaded));
  return withRow(ctx, id, core, row);
}

function withRow(ctx: EngineContext, id: string, core: SessionCore, row: unknown): Session | Promise<Session> {
  if (row === null || row === undefined) return ctx.anonymous();
  if (!isPlainObject(row)) {
    ctx.logger.warn("sessions: the store returned data that is not a plain object; the session was deleted", {
      type: Array.isArray(row) ? "array" : typeof row,
    });
    return ctx.delete(id).then(() => ctx.anonymous());
  }
  core.data = toMap(row);
  core.id = id;
  core.originalId = id;
  const rowExpiry = (row as { [SESSION_EXPIRES_AT]?: unknown })[SESSION_EXPIRES_AT];
  if (rowExpiry === null || typeof rowExpiry === "number") core.rowExpiry = rowExpiry;
  if (ctx.absoluteTimeout !== null && pastDeadline(ctx, core)) return ctx.delete(id).then(() => ctx.anonymous());
  if (ctx.revocation === null) return sessionFromCore(core);
  return issuedAfterCutoff(ctx, core).then((fresh) => (fresh ? sessionFromCore(core) : ctx.anonymous()));
}

/**
 * The absolute lifetime: `true` once the session's creation time plus `absoluteTimeout` has
 * passed. A session from before the option was turned on starts its clock now (one write).
 */
function pastDeadline(ctx: EngineContext, core: SessionCore): boolean {
  const deadline = ctx.deadline(core);
  if (deadline === null) {
    core.data?.delete(CREATED_KEY);
    ctx.stampCreated(core);
    core.modified = true;
    return false;
  }
  return ctx.now() >= deadline;
}

async function checkRevoked(ctx: EngineContext, core: SessionCore): Promise<Session> {
  if (await ctx.isTokenRevoked(core.tokenId as string)) return ctx.anonymous();
  return (await issuedAfterCutoff(ctx, core)) ? sessionFromCore(core) : ctx.anonymous();
}

/** Per-user cutoff ("log out everywhere"): sessions issued before it are rejected. */
async function issuedAfterCutoff(ctx: EngineContext, core: SessionCore): Promise<boolean> {
  const userId = core.data?.get(ctx.userIdKey);
  const usable = (typeof userId === "string" && userId !== "") || (typeof userId === "number" && Number.isFinite(userId));
  if (!usable) return true;
  const cutoff = await ctx.userCutoff(userId as string | number);
  return cutoff === null || (core.issuedAt as number) >= cutoff;
}
