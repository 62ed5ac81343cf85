/**
 * The per-request session: a dirty-tracked map. Its state lives in a `SessionCore` the
 * engine reads and writes directly; handlers only ever see the `Session` facade. Every
 * field is set in the constructor so all sessions share one shape, and the map and the
 * change sets are allocated only on first write, keeping anonymous reads cheap.
 */
import { CREATED_KEY } from "./lifetime.js";
import { fromMap, isPlainObject, setOwn, toMap } from "./plain-object.js";
import { randomToken } from "./random.js";
import { newSessionId } from "./store.js";

interface IdMinter {
  newId(): string;
}

/** The session key holding flash values. */
export const FLASH_KEY = "_flash";
/** The session key holding the synchronizer token (`csrfToken()`). */
export const CSRF_SESSION_KEY = "_csrf_token";

/**
 * Keys Lauren keeps in the session for its own features (flash values, the CSRF token, the
 * creation time). They are stored and saved like any key, so they work with every store,
 * but the public view (`get`, `has`, `keys`, `entries`, `size`, `toJSON`) leaves them out
 * and `set`/`delete` refuse them: app code can neither see nor corrupt them.
 */
export const INTERNAL_KEYS: ReadonlySet<string> = new Set([FLASH_KEY, CSRF_SESSION_KEY, CREATED_KEY]);

/** Cheap first test: every internal key starts with "_". */
function isInternal(key: string): boolean {
  return key.charCodeAt(0) === 95 && INTERNAL_KEYS.has(key);
}

function refuseInternal(key: string, method: string): void {
  if (!isInternal(key)) return;
  const use =
    key === FLASH_KEY
      ? "session.flash() and session.takeFlash()"
      : key === CSRF_SESSION_KEY
        ? "session.csrfToken()"
        : "the absoluteTimeout option";
  throw new TypeError(
    `session.${method}(${JSON.stringify(key)}): the key ${key} is reserved for Lauren's own use; use ${use} instead, or pick another key name`,
  );
}

/** The data without the internal keys, as a plain object. */
export function publicData(data: ReadonlyMap<string, unknown> | Record<string, unknown> | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (data === null) return out;
  const pairs = data instanceof Map ? data.entries() : Object.entries(data);
  for (const [key, value] of pairs) if (!isInternal(key)) setOwn(out, key, value);
  return out;
}

const DETACHED_MINTER: IdMinter = { newId: newSessionId };
const EMPTY: ReadonlyMap<string, unknown> = new Map();

export class SessionCore {
  data: Map<string, unknown> | null = null;
  /** Keys set since load; the store writes exactly these (key-level merge). */
  changed: Set<string> | null = null;
  /** Keys removed since load. */
  deleted: Set<string> | null = null;
  id: string | null = null;
  isNew: boolean;
  modified = false;
  invalidated = false;
  regenerated = false;
  /** Mints ids for `regenerateId()`; `null` for the cookie store, whose sessions have no id. */
  minter: IdMinter | null;
  // What the inbound cookie carried (null/0 for a new session).
  /** Server-side row the session was loaded from. */
  originalId: string | null = null;
  /** Which secret verified the cookie: above 0 means an older one, so re-issue. */
  keyIndex = 0;
  /** Token id (`j`) of a revocable cookie. */
  tokenId: string | null = null;
  /** Issued-at (`t`) of a revocable cookie. */
  issuedAt: number | null = null;
  /** Expiry (`x`) of an envelope cookie. */
  expiry: number | null = null;
  /** Row expiry reported by the store; `undefined` when it did not say. */
  rowExpiry: number | null | undefined = undefined;
  /** The inbound cookie value of a stateless-store session (identifies it to live connections). */
  inboundCookie: string | null = null;
  /** Flash values that came in with the request and were not taken yet; read on first flash use. */
  flashIn: Map<string, unknown> | null = null;
  /** Flash values set by this request, for the next one. */
  flashOut: Map<string, unknown> | null = null;

  constructor(isNew: boolean, minter: IdMinter | null) {
    this.isNew = isNew;
    this.minter = minter;
  }

  get size(): number {
    return this.data === null ? 0 : this.data.size;
  }
}

let pendingCore: SessionCore | null = null;
let coreOf: <T extends object>(session: Session<T>) => SessionCore;

export class Session<T extends object = Record<string, unknown>> {
  readonly #core: SessionCore;

  /** A detached session holding `data`, for unit-testing handlers; the engine builds the real ones. */
  constructor(data?: Partial<T>) {
    if (pendingCore !== null) {
      this.#core = pendingCore;
      pendingCore = null;
      return;
    }
    this.#core = new SessionCore(true, DETACHED_MINTER);
    if (data !== undefined) this.#core.data = toMap(data as Record<string, unknown>);
  }

  static {
    coreOf = (session) => session.#core;
  }

  get<K extends keyof T & string>(key: K): T[K] | undefined {
    if (isInternal(key)) return undefined;
    return this.#core.data?.get(key) as T[K] | undefined;
  }

  /** Setting `undefined` deletes the key (JSON cannot hold it). */
  set<K extends keyof T & string>(key: K, value: T[K]): void {
    refuseInternal(key, "set");
    this.#write(key, value);
  }

  #write(key: string, value: unknown): void {
    if (value === undefined) {
      this.#remove(key);
      return;
    }
    const core = this.#core;
    if (core.data === null) core.data = new Map();
    core.data.set(key, value);
    if (core.changed === null) core.changed = new Set();
    core.changed.add(key);
    core.deleted?.delete(key);
    core.modified = true;
  }

  has(key: string): boolean {
    return !isInternal(key) && this.#core.data?.has(key) === true;
  }

  /** Removes `key`; `false` (and no change) when it was not there. */
  delete<K extends keyof T & string>(key: K): boolean {
    refuseInternal(key, "delete");
    return this.#remove(key);
  }

  #remove(key: string): boolean {
    const core = this.#core;
    if (core.data === null || !core.data.delete(key)) return false;
    core.changed?.delete(key);
    if (core.deleted === null) core.deleted = new Set();
    core.deleted.add(key);
    core.modified = true;
    return true;
  }

  clear(): void {
    const core = this.#core;
    if (core.data === null || core.data.size === 0) return;
    if (core.deleted === null) core.deleted = new Set();
    for (const key of core.data.keys()) core.deleted.add(key);
    core.changed = null;
    core.data.clear();
    core.flashIn = null;
    core.flashOut = null;
    core.modified = true;
  }

  /** The app's keys, in insertion order (Lauren's internal keys left out). */
  *keys(): IterableIterator<keyof T & string> {
    for (const key of (this.#core.data ?? EMPTY).keys()) if (!isInternal(key)) yield key as keyof T & string;
  }

  *entries(): IterableIterator<[keyof T & string, T[keyof T & string]]> {
    for (const entry of (this.#core.data ?? EMPTY).entries()) {
      if (!isInternal(entry[0])) yield entry as [keyof T & string, T[keyof T & string]];
    }
  }

  get size(): number {
    const data = this.#core.data;
    if (data === null) return 0;
    let n = data.size;
    for (const key of INTERNAL_KEYS) if (data.has(key)) n--;
    return n;
  }

  /** A shallow copy of the app's data as a plain object (Lauren's internal keys left out). */
  toJSON(): Partial<T> {
    return publicData(this.#core.data) as Partial<T>;
  }

  /** The server-side id; `null` before a new session is first saved, and always for the cookie store. */
  get id(): string | null {
    return this.#core.id;
  }

  /** `true` when no valid session cookie came in with the request. */
  get isNew(): boolean {
    return this.#core.isNew;
  }

  /** `true` after any change, `regenerateId()` or `invalidate()`. */
  get isModified(): boolean {
    return this.#core.modified;
  }

  get isInvalidated(): boolean {
    return this.#core.invalidated;
  }

  /**
   * Call at login (any change of privilege): the data moves to a new id, the old row is
   * deleted and the cookie re-sent, so an id planted before login never identifies the user.
   */
  regenerateId(): void {
    const core = this.#core;
    if (core.minter !== null) core.id = core.minter.newId();
    // A token handed out before login must not keep working after it.
    if (core.data?.has(CSRF_SESSION_KEY) === true) this.#remove(CSRF_SESSION_KEY);
    core.regenerated = true;
    core.modified = true;
  }

  /**
   * This session's synchronizer token for cross-site request protection (see the sessions
   * guide), made on first use and kept in the session. `regenerateId()` and `invalidate()`
   * drop it, so fetch a fresh one after login.
   */
  csrfToken(): string {
    const current = this.#core.data?.get(CSRF_SESSION_KEY);
    if (typeof current === "string") return current;
    const token = randomToken(32);
    this.#write(CSRF_SESSION_KEY, token);
    return token;
  }

  /**
   * Stores `value` for the next request that reads it with `takeFlash(key)` (a notice after
   * a redirect). It is not visible to this request. Keys and values are typed by your
   * `SessionData`; they live under the session key `_flash`, apart from the session's own data.
   */
  flash<K extends keyof T & string>(key: K, value: T[K]): void {
    const core = this.#core;
    const incoming = this.#flashIn();
    core.flashOut ??= new Map();
    core.flashOut.set(key, value);
    this.#writeFlash(incoming, core.flashOut);
  }

  /** The flash value an earlier request set under `key`, once: it is gone afterwards. */
  takeFlash<K extends keyof T & string>(key: K): T[K] | undefined {
    const incoming = this.#flashIn();
    if (!incoming.has(key)) return undefined;
    const value = incoming.get(key);
    incoming.delete(key);
    this.#writeFlash(incoming, this.#core.flashOut);
    return value as T[K];
  }

  /** Every flash value earlier requests set, once. */
  takeFlashes(): Partial<T> {
    const incoming = this.#flashIn();
    const all = fromMap(incoming) as Partial<T>;
    if (incoming.size > 0) {
      incoming.clear();
      this.#writeFlash(incoming, this.#core.flashOut);
    }
    return all;
  }

  #flashIn(): Map<string, unknown> {
    const core = this.#core;
    if (core.flashIn === null) {
      const stored = core.data?.get(FLASH_KEY);
      core.flashIn = isPlainObject(stored) ? toMap(stored) : new Map();
    }
    return core.flashIn;
  }

  #writeFlash(incoming: Map<string, unknown>, outgoing: Map<string, unknown> | null): void {
    const merged: Record<string, unknown> = {};
    for (const [key, value] of incoming) setOwn(merged, key, value);
    if (outgoing !== null) for (const [key, value] of outgoing) setOwn(merged, key, value);
    if (Object.keys(merged).length === 0) this.#remove(FLASH_KEY);
    else this.#write(FLASH_KEY, merged);
  }

  /** Call at logout: data dropped, stored row deleted, cookie expired. Later writes are discarded. */
  invalidate(): void {
    const core = this.#core;
    core.data?.clear();
    core.changed = null;
    core.flashIn = null;
    core.flashOut = null;
    core.invalidated = true;
    core.modified = true;
  }
}

/**
 * What identifies the inbound session to live connections: `s:<id>` (server store),
 * `j:<token id>` (cookie store with revocation) or `c:<cookie>`; null for a new session.
 * Worked out only when a connection registers or a watched session ends, never per request.
 */
export function liveKeyOf(core: SessionCore): string | null {
  if (core.originalId !== null) return `s:${core.originalId}`;
  if (core.tokenId !== null) return `j:${core.tokenId}`;
  return core.inboundCookie === null ? null : `c:${core.inboundCookie}`;
}

/** The engine's way in: wraps a prepared core without exposing a constructor parameter. */
export function sessionFromCore(core: SessionCore): Session {
  pendingCore = core;
  return new Session();
}

/** The core behind a `Session` (any data type); throws a TypeError for anything else. */
export function coreOfSession(session: object): SessionCore {
  return coreOf(session as Session);
}
