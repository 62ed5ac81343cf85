/**
 * Sealing for the encrypted cookie store: AES-256-GCM with a fresh random 96-bit IV per
 * cookie. Each configured secret yields, through HKDF-SHA256 with purpose labels, an
 * encryption key and a short public key id; the id rides in the cookie so any configured
 * key can open it (rotation) while only the first one seals. The format, with test
 * vectors, is documented in docs/guides/sessions.md ("Encrypted cookies").
 *
 *   value = "v1." kid "." base64url(iv ‖ ciphertext ‖ tag)
 *   key   = HKDF-SHA256(secret, salt = "", info = "lauren session cookie v1: aes-256-gcm key", 32)
 *   kid   = base64url(HKDF-SHA256(secret, salt = "", info = "lauren session cookie v1: key id", 6))
 *   aad   = cookieName "=v1." kid
 */
import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import { randomBytesFromPool } from "./random.js";

export const KEY_INFO = "lauren session cookie v1: aes-256-gcm key";
export const KID_INFO = "lauren session cookie v1: key id";
const VERSION = "v1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID_LENGTH = 8;

interface SealingKey {
  readonly kid: string;
  readonly key: Buffer;
  readonly aad: Buffer;
}

export interface Opened {
  readonly plaintext: Buffer;
  /** Which secret opened it: above 0 means an older one, so the cookie is re-issued. */
  readonly keyIndex: number;
}

function derive(secret: Buffer, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), info, length));
}

export class CookieCipher {
  readonly #keys: SealingKey[];
  readonly #byKid = new Map<string, number>();

  constructor(secrets: readonly Buffer[], cookieName: string) {
    this.#keys = secrets.map((secret) => {
      const kid = derive(secret, KID_INFO, 6).toString("base64url");
      return { kid, key: derive(secret, KEY_INFO, 32), aad: Buffer.from(`${cookieName}=${VERSION}${kid}`, "latin1") };
    });
    // The first secret wins a (practically impossible) id collision: it is the one that seals.
    for (let i = this.#keys.length - 1; i >= 0; i--) this.#byKid.set((this.#keys[i] as SealingKey).kid, i);
  }

  /** The cookie value carrying `plaintext`, sealed under the current key; `iv` only for test vectors. */
  seal(plaintext: Buffer, iv: Buffer = randomBytesFromPool(IV_BYTES)): string {
    if (iv.length !== IV_BYTES) throw new TypeError(`the IV must be ${IV_BYTES} bytes`);
    const { kid, key, aad } = this.#keys[0] as SealingKey;
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const body = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}${kid}.${body.toString("base64url")}`;
  }

  /** The plaintext, or `null` for anything not sealed by one of our keys (tampered, unknown key, garbage). */
  open(value: string): Opened | null {
    if (!value.startsWith(VERSION) || value.charCodeAt(VERSION.length + KID_LENGTH) !== 46) return null;
    const keyIndex = this.#byKid.get(value.slice(VERSION.length, VERSION.length + KID_LENGTH));
    if (keyIndex === undefined) return null;
    const encoded = value.slice(VERSION.length + KID_LENGTH + 1);
    const body = Buffer.from(encoded, "base64url");
    // Node's decoder skips stray characters and ignores trailing bits; only the canonical
    // encoding counts, so no two cookie strings open to the same session.
    if (body.length < IV_BYTES + TAG_BYTES || body.toString("base64url") !== encoded) return null;
    const { key, aad } = this.#keys[keyIndex] as SealingKey;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, body.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      const plaintext = Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]);
      return { plaintext, keyIndex };
    } catch {
      return null;
    }
  }
}
