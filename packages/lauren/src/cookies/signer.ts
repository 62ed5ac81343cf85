/**
 * Signed cookie values: `<value>.<base64url HMAC-SHA256>`. The MAC covers the cookie's name
 * too, so a value signed for one cookie is worthless under another, and the keys are derived
 * from the app's secrets with a purpose label, so no signed cookie can pass for a session id
 * signed with the same secret.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const PURPOSE = "lauren.cookies.v1";
const MAC_LENGTH = 43;

export class CookieSigner {
  readonly #keys: Buffer[];

  constructor(secrets: readonly Buffer[]) {
    if (secrets.length === 0) throw new TypeError("CookieSigner needs at least one secret");
    this.#keys = secrets.map((secret) => createHmac("sha256", secret).update(PURPOSE).digest());
  }

  sign(name: string, value: string): string {
    return `${value}.${mac(this.#keys[0] as Buffer, name, value)}`;
  }

  /** The value when one of the keys verifies `signed` for `name`, otherwise null. */
  unsign(name: string, signed: string): string | null {
    const dot = signed.lastIndexOf(".");
    if (dot < 0 || signed.length - dot - 1 !== MAC_LENGTH) return null;
    const value = signed.slice(0, dot);
    const given = Buffer.from(signed.slice(dot + 1), "latin1");
    for (const key of this.#keys) {
      if (timingSafeEqual(Buffer.from(mac(key, name, value), "latin1"), given)) return value;
    }
    return null;
  }
}

function mac(key: Buffer, name: string, value: string): string {
  return createHmac("sha256", key).update(name).update("\0").update(value).digest("base64url");
}
