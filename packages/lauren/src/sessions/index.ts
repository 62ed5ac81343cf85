/**
 * Sessions: signed cookies (compatible with Python Lauren), dirty-tracked persistence,
 * pluggable async stores and opt-in revocation. This file is the subsystem's only door.
 */
export type { SessionOptions } from "./config.js";
export {
  type CrossOriginOptions,
  CrossOriginPolicy,
  CrossOriginRequestError,
  CsrfTokenError,
  type CsrfTokenOptions,
  SAFE_METHODS,
} from "./cross-origin.js";
export { CsrfTokenCheck } from "./csrf.js";
export { SessionEngine } from "./engine.js";
export {
  SessionConfigError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  sessionsDisabledError,
} from "./errors.js";
export { SESSION_ENDED_CLOSE_CODE, type SessionEndReason } from "./live.js";
export {
  InMemoryRevocationStore,
  type InMemoryRevocationStoreOptions,
  type RevocationEvent,
  RevocationStore,
  type RevokeUserOptions,
} from "./revocation.js";
export { JsonSessionSerializer, type SessionSerializer } from "./serializer.js";
export { CSRF_SESSION_KEY, Session } from "./session.js";
export { type SecretInput, Signer, signValue, verifySignedValue } from "./signer.js";
export {
  type SaveOptions,
  SESSION_EXPIRES_AT,
  SessionStore,
  type SessionStoreEvent,
  type StoredSessionInfo,
} from "./store.js";
export { EncryptedCookieSessionStore, type EncryptedCookieSessionStoreOptions } from "./stores/encrypted-cookie.js";
export { InMemorySessionStore, type InMemorySessionStoreOptions } from "./stores/in-memory.js";
export { SignedCookieSessionStore, type SignedCookieSessionStoreOptions } from "./stores/signed-cookie.js";
export { type SessionInfo, sessionIdHash, UserSessions } from "./user-sessions.js";
