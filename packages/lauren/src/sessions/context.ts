/**
 * Everything the load and persist steps share, worked out once per app: the resolved
 * options, the signer, the cookie writer, and the guarded store calls that turn any store
 * failure into a logged `SessionStoreUnavailableError` (fail closed, never anonymous).
 */
import type { Logger } from "../app/logger.js";
import { CookieCipher } from "./cipher.js";
import type { ResolvedSessionConfig } from "./config.js";
import { CookieWriter, MAX_INBOUND_COOKIE } from "./cookie.js";
import { encodeEnvelope, envelopeBytes } from "./envelope.js";
import { SessionStoreUnavailableError, SessionTooLargeError } from "./errors.js";
import { CREATED_KEY } from "./lifetime.js";
import { fromMap } from "./plain-object.js";
import type { RevocationStore } from "./revocation.js";
import type { SessionSerializer } from "./serializer.js";
import { type Session, SessionCore, sessionFromCore } from "./session.js";
import { Signer } from "./signer.js";
import { LOAD_NOW, SAVE_NOW, type SaveOptions, type SessionStore, type StoredSessionInfo } from "./store.js";

export class EngineContext {
  readonly store: SessionStore;
  readonly clientSide: boolean;
  readonly revocation: RevocationStore | null;
  readonly serializer: SessionSerializer;
  readonly signer: Signer;
  /** Seals and opens cookies for `EncryptedCookieSessionStore`; `null` for every other store. */
  readonly cipher: CookieCipher | null;
  readonly cookies: CookieWriter;
  readonly logger: Logger;
  readonly cookieName: string;
  readonly maxInbound: number;
  readonly maxCookieBytes: number;
  readonly maxAge: number | null;
  readonly idleTimeout: number | null;
  /** Server-side TTL for saves and touches: `idleTimeout ?? maxAge`. */
  readonly ttl: number | null;
  readonly rolling: boolean;
  /** Seconds after its creation at which a session ends whatever its activity; `null` = none. */
  readonly absoluteTimeout: number | null;
  readonly userIdKey: string;
  readonly now: () => number;
  /** The store's synchronous `load`/`save` when it keeps its rows in this process (see `syncOf`). */
  readonly #loadNow: ((id: string) => unknown) | null;
  readonly #saveNow: ((id: string, data: Record<string, unknown>, opts: SaveOptions) => boolean) | null;

  constructor(config: ResolvedSessionConfig, logger: Logger) {
    this.store = config.store;
    this.#loadNow = syncOf(config.store, LOAD_NOW, "load");
    this.#saveNow = syncOf(config.store, SAVE_NOW, "save");
    this.clientSide = config.clientSide;
    this.revocation = config.revocation;
    this.serializer = config.serializer;
    this.signer = new Signer(config.secrets);
    const encrypted = config.clientSide && (config.store as { encrypted?: unknown }).encrypted === true;
    this.cipher = encrypted ? new CookieCipher(config.secrets, config.cookieName) : null;
    this.cookies = new CookieWriter({
      name: config.cookieName,
      maxAge: config.maxAge,
      path: config.path,
      domain: config.domain,
      secure: config.secure,
      httpOnly: config.httpOnly,
      sameSite: config.sameSite,
    });
    this.logger = logger;
    this.cookieName = config.cookieName;
    // A cookie store configured above the browser limit must still be able to read back what it sends.
    this.maxInbound = config.clientSide ? Math.max(MAX_INBOUND_COOKIE, config.maxCookieBytes) : MAX_INBOUND_COOKIE;
    this.maxCookieBytes = config.maxCookieBytes;
    this.maxAge = config.maxAge;
    this.idleTimeout = config.idleTimeout;
    this.ttl = config.idleTimeout ?? config.maxAge;
    this.rolling = config.rolling;
    this.absoluteTimeout = config.absoluteTimeout;
    this.userIdKey = config.userIdKey;
    this.now = config.clock;
  }

  /** A fresh, empty session for a request without a (valid) cookie. */
  anonymous(): Session {
    return sessionFromCore(new SessionCore(true, this.clientSide ? null : this.store));
  }

  /** The user id under `userIdKey` as a string (for the per-user index and revocation), or null. */
  userIdOf(core: SessionCore): string | null {
    const value = core.data?.get(this.userIdKey);
    if (typeof value === "string") return value === "" ? null : value;
    return typeof value === "number" && Number.isFinite(value) ? String(value) : null;
  }

  /**
   * Sets `opts.userId` when the save concerns the per-user index: the session has a user id,
   * or this request removed it. Otherwise the field stays absent ("unchanged").
   */
  fileUnderUser(core: SessionCore, opts: SaveOptions): void {
    const userId = this.userIdOf(core);
    const touched = core.deleted?.has(this.userIdKey) === true || core.changed?.has(this.userIdKey) === true;
    if (userId !== null || touched) opts.userId = userId;
  }

  /** Expiry (`x`) for an envelope written now: slides under `rolling`/`idleTimeout`, else stays fixed; never past the absolute deadline. */
  expiryFor(core: SessionCore): number | null {
    const deadline = this.deadline(core);
    let expiry: number | null;
    if (this.rolling || this.idleTimeout !== null) {
      const window = this.idleTimeout ?? this.maxAge;
      expiry = window === null ? null : this.now() + window;
    } else if (core.expiry !== null) expiry = core.expiry;
    else expiry = this.maxAge === null ? null : this.now() + this.maxAge;
    return deadline !== null && (expiry === null || deadline < expiry) ? deadline : expiry;
  }

  /** When the session ends whatever its activity (creation + `absoluteTimeout`), or null. */
  deadline(core: SessionCore): number | null {
    if (this.absoluteTimeout === null) return null;
    const created = core.data?.get(CREATED_KEY);
    return typeof created === "number" ? created + this.absoluteTimeout : null;
  }

  /** Records the creation time of a session about to be saved for the first time (or first since the option). */
  stampCreated(core: SessionCore): void {
    if (core.size === 0 || core.data?.has(CREATED_KEY) === true) return;
    (core.data as Map<string, unknown>).set(CREATED_KEY, Math.floor(this.now()));
    if (core.changed === null) core.changed = new Set();
    core.changed.add(CREATED_KEY);
  }

  /** Server-side TTL for a save or touch now: `idleTimeout ?? maxAge`, cut to what the absolute lifetime leaves. */
  ttlFor(core: SessionCore): number | null {
    const deadline = this.deadline(core);
    if (deadline === null) return this.ttl;
    const remaining = Math.max(1, Math.ceil(deadline - this.now()));
    return this.ttl === null ? remaining : Math.min(this.ttl, remaining);
  }

  /** The `Set-Cookie` value for `value`; its `Max-Age` never outlasts the absolute deadline. */
  setCookie(core: SessionCore, value: string): string {
    const deadline = this.deadline(core);
    if (deadline === null || this.maxAge === null) return this.cookies.set(value);
    const remaining = Math.max(1, Math.ceil(deadline - this.now()));
    return remaining >= this.maxAge ? this.cookies.set(value) : this.cookies.setWithMaxAge(value, remaining);
  }

  /** Seconds the inbound cookie could still be presented: the TTL of its deny-list entry. */
  remainingLife(core: SessionCore): number {
    if (core.expiry !== null) return Math.max(1, Math.ceil(core.expiry - this.now()));
    return this.ttl ?? 1;
  }

  /** The signed cookie-store value carrying the session's data. */
  sealData(core: SessionCore, tokenId: string | null, issuedAt: number | null): string {
    const envelope: Record<string, unknown> = { d: fromMap(core.data) };
    if (tokenId !== null) envelope.j = tokenId;
    if (issuedAt !== null) envelope.t = issuedAt;
    const expiry = this.expiryFor(core);
    if (expiry !== null) envelope.x = expiry;
    const signed =
      this.cipher === null
        ? this.signer.sign(encodeEnvelope(this.serializer, envelope))
        : this.cipher.seal(envelopeBytes(this.serializer, envelope));
    if (signed.length > this.maxCookieBytes) {
      const size = signed.length;
      const limit = this.maxCookieBytes;
      this.logger.error("sessions: the session cookie is too large to send", { size, limit });
      throw new SessionTooLargeError(
        `session cookie payload is ${size} bytes, exceeding the ${limit}-byte limit; store less in the session or use a server-side store`,
        { size, limit },
      );
    }
    return signed;
  }

  /** The signed server-store value: the bare id, or `{i, t, x}` when revocation is on. */
  sealId(core: SessionCore): string {
    const id = core.id as string;
    if (this.revocation === null) return this.signer.sign(id);
    const envelope: Record<string, unknown> = { i: id, t: core.issuedAt ?? this.now() };
    const expiry = this.expiryFor(core);
    if (expiry !== null) envelope.x = expiry;
    return this.signer.sign(encodeEnvelope(this.serializer, envelope));
  }

  /**
   * The stored row for a session read: as it is when the store keeps its rows in this process
   * (no promise), else `load`'s promise. A failure is a rejected promise either way.
   */
  loadForRead(id: string): unknown {
    const now = this.#loadNow;
    if (now === null) return this.load(id);
    try {
      return now.call(this.store, id);
    } catch (error) {
      return Promise.reject(this.#unavailable("load", error));
    }
  }

  /** `save`, answered at once when the store keeps its rows in this process. */
  saveForWrite(id: string, data: Record<string, unknown>, opts: SaveOptions): boolean | Promise<boolean> {
    const now = this.#saveNow;
    if (now === null) return this.save(id, data, opts);
    try {
      return now.call(this.store, id, data, opts) !== false;
    } catch (error) {
      return Promise.reject(this.#unavailable("save", error));
    }
  }

  /** The stored row; one promise deep (no async wrapper), since every session read comes here. */
  load(id: string): Promise<unknown> {
    try {
      return this.store.load(id).then(undefined, this.#loadFailed);
    } catch (error) {
      return Promise.reject(this.#unavailable("load", error));
    }
  }

  readonly #loadFailed = (error: unknown): never => {
    throw this.#unavailable("load", error);
  };

  async save(id: string, data: Record<string, unknown>, opts: SaveOptions): Promise<boolean> {
    try {
      return (await this.store.save(id, data, opts)) !== false;
    } catch (error) {
      throw this.#unavailable("save", error);
    }
  }

  /** Refreshes a row's TTL; a store without `touch` gets an empty merge (data unchanged). */
  async touch(id: string, ttl: number, data: Record<string, unknown>): Promise<void> {
    try {
      if (this.store.touch !== undefined) await this.store.touch(id, ttl);
      else await this.store.save(id, data, { ttl, changed: [], deleted: [], minted: false });
    } catch (error) {
      throw this.#unavailable("touch", error);
    }
  }

  async listByUser(userId: string): Promise<StoredSessionInfo[]> {
    try {
      return await (this.store.listByUser as (userId: string) => Promise<StoredSessionInfo[]>).call(this.store, userId);
    } catch (error) {
      throw this.#unavailable("listByUser", error);
    }
  }

  async delete(id: string): Promise<void> {
    try {
      await this.store.delete(id);
    } catch (error) {
      throw this.#unavailable("delete", error);
    }
  }

  async isTokenRevoked(tokenId: string): Promise<boolean> {
    try {
      return await (this.revocation as RevocationStore).isTokenRevoked(tokenId);
    } catch (error) {
      throw this.#unavailable("isTokenRevoked", error);
    }
  }

  async revokeToken(tokenId: string, ttl: number): Promise<void> {
    try {
      await (this.revocation as RevocationStore).revokeToken(tokenId, ttl);
    } catch (error) {
      throw this.#unavailable("revokeToken", error);
    }
  }

  async userCutoff(userId: string | number): Promise<number | null> {
    try {
      return await (this.revocation as RevocationStore).userCutoff(userId);
    } catch (error) {
      throw this.#unavailable("userCutoff", error);
    }
  }

  #unavailable(operation: string, error: unknown): SessionStoreUnavailableError {
    this.logger.error("sessions: the session store failed; answering 503", { operation, error });
    return new SessionStoreUnavailableError(undefined, {}, { cause: error });
  }
}

/**
 * The store's synchronous twin of `method` (under `symbol`), only while `method` is the one
 * that twin mirrors: a subclass or a wrapper that replaces it (to count, fail or transform)
 * keeps its own.
 */
// biome-ignore lint/suspicious/noExplicitAny: the twin's signature is the caller's to state
function syncOf<F extends (...args: any[]) => unknown>(store: SessionStore, symbol: symbol, method: "load" | "save"): F | null {
  let owner: object | null = store;
  while (owner !== null && !Object.hasOwn(owner, symbol)) owner = Object.getPrototypeOf(owner);
  if (owner === null) return null;
  const mirrored = owner as Record<string | symbol, unknown>;
  if (store[method] !== mirrored[method] || typeof mirrored[symbol] !== "function") return null;
  return mirrored[symbol] as F;
}
