/**
 * The stateless store: the whole session rides in the signed (not encrypted) cookie, so
 * there is no server state and `load`/`save`/`delete` are never used for data. `maxBytes`
 * caps the signed cookie; the engine refuses to send a larger one.
 */
import { newSessionId, type SaveOptions, SessionStore } from "../store.js";
import { positiveInteger } from "./store-options.js";

export interface SignedCookieSessionStoreOptions {
  /** Longest signed cookie value to send, in bytes (default 4096, the common browser limit). */
  maxBytes?: number;
}

const RESOLVED_NULL = Promise.resolve(null);
const RESOLVED = Promise.resolve();

export class SignedCookieSessionStore extends SessionStore {
  override readonly clientSide = true;
  readonly maxBytes: number;

  constructor(options: SignedCookieSessionStoreOptions = {}) {
    super();
    this.maxBytes = positiveInteger(options.maxBytes, 4096, "SignedCookieSessionStore maxBytes");
  }

  newId(): string {
    return newSessionId();
  }

  load(_id: string): Promise<Record<string, unknown> | null> {
    return RESOLVED_NULL;
  }

  save(_id: string, _data: Record<string, unknown>, _opts: SaveOptions): Promise<void> {
    return RESOLVED;
  }

  delete(_id: string): Promise<void> {
    return RESOLVED;
  }
}
