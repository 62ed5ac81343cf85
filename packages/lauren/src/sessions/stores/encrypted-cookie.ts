/**
 * The stateless store that hides what it holds: the whole session rides in the cookie,
 * sealed with AES-256-GCM under keys derived from `sessions.secret`, so the client can
 * neither read nor change it. Like `SignedCookieSessionStore` it keeps no server state;
 * `maxBytes` caps the sealed cookie and the engine refuses to send a larger one.
 */
import { newSessionId, type SaveOptions, SessionStore } from "../store.js";
import { positiveInteger } from "./store-options.js";

export interface EncryptedCookieSessionStoreOptions {
  /** Longest sealed cookie value to send, in bytes (default 4096, the common browser limit). */
  maxBytes?: number;
}

const RESOLVED_NULL = Promise.resolve(null);
const RESOLVED = Promise.resolve();

export class EncryptedCookieSessionStore extends SessionStore {
  override readonly clientSide = true;
  /** Tells the engine to seal cookies with AES-256-GCM instead of signing them. */
  readonly encrypted = true;
  readonly maxBytes: number;

  constructor(options: EncryptedCookieSessionStoreOptions = {}) {
    super();
    this.maxBytes = positiveInteger(options.maxBytes, 4096, "EncryptedCookieSessionStore maxBytes");
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
