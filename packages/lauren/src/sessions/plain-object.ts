/**
 * Session data crosses trust boundaries (cookies, stores), so it is read and written with
 * own-property operations only: a `__proto__` key stays an ordinary key and can never
 * reach `Object.prototype`.
 */

/** Only objects whose prototype is `Object.prototype` or `null` count as session data. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own property read that never consults the prototype chain. */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Assignment would turn a `__proto__` key into a prototype change; define it as data instead. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** A map of the object's own enumerable keys; `undefined` values are left out. */
export function toMap(obj: Record<string, unknown>): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (value !== undefined) map.set(key, value);
  }
  return map;
}

export function fromMap(map: ReadonlyMap<string, unknown> | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (map !== null) for (const [key, value] of map) setOwn(out, key, value);
  return out;
}
