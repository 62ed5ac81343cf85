/**
 * Frozen records are serialized once. A body made of records that can never change (frozen
 * plain objects whose insides are frozen too) gives the same JSON every time, so each
 * record's JSON is kept, per compiled serializer, in a WeakMap keyed by the record: the next
 * response that carries it copies the string instead of writing the record again, and the
 * entry goes when the record is collected.
 *
 * "Can never change" is checked once per record, when it is first written: frozen, a plain
 * object (prototype `Object.prototype` or null) or array (`Array.prototype`, no holes), not a
 * proxy, data properties only (a getter on a frozen object can still answer differently), no
 * `toJSON`, no function, symbol or bigint values (their text comes from methods someone could
 * replace), and every object inside it the same. A record that fails is written by the
 * compiled serializer every time, exactly as if there were no cache.
 *
 * The serializer also reads what a record lacks: a declared property it does not own is looked
 * up on its prototype. So each call first checks that the inherited values of every declared
 * name (and `toJSON`) are still those seen at start-up; if someone has added one to
 * `Object.prototype` or `Array.prototype`, the cache is bypassed.
 */
import { types } from "node:util";
import type { Serialize } from "./serialize.js";

/** Marks a frozen object already found not to be a record (so it is not walked again). */
const NOT_A_RECORD = 0;

/** True when `value` and everything inside it can never change (see above). */
export function isFrozenRecord(value: object, seen: Set<object> = new Set()): boolean {
  if (seen.has(value)) return true;
  seen.add(value);
  if (!Object.isFrozen(value) || types.isProxy(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!Object.hasOwn(value, i)) return false;
  } else if (proto !== Object.prototype && proto !== null) {
    return false;
  }
  for (const key of Reflect.ownKeys(value)) {
    if (key === "toJSON") return false;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || !("value" in descriptor)) return false;
    const inner: unknown = descriptor.value;
    const kind = typeof inner;
    if (kind === "function" || kind === "symbol" || kind === "bigint") return false;
    if (kind === "object" && inner !== null && !isFrozenRecord(inner as object, seen)) return false;
  }
  return true;
}

/** Every property name a JSON Schema declares anywhere in it, and `toJSON`. */
export function declaredNames(schema: unknown, names: Set<string> = new Set(["toJSON"])): Set<string> {
  if (typeof schema !== "object" || schema === null) return names;
  for (const [key, inner] of Object.entries(schema)) {
    if ((key === "properties" || key === "patternProperties") && typeof inner === "object" && inner !== null) {
      for (const name of Object.keys(inner)) names.add(name);
    }
    if (key === "required" && Array.isArray(inner)) for (const name of inner) names.add(String(name));
    declaredNames(inner, names);
  }
  return names;
}

/**
 * A check that the prototypes still give every declared name the value they gave at start-up:
 * a cached record's JSON was written with those inherited values.
 */
export function prototypesUnchanged(names: Iterable<string>): () => boolean {
  const keys = [...names];
  const onObject = keys.map((key) => (Object.prototype as Record<string, unknown>)[key]);
  const onArray = keys.map((key) => (Array.prototype as unknown as Record<string, unknown>)[key]);
  // Generated with the names written out: a property read by a constant name is one cached
  // look-up, a read by a name from an array is a slow generic one, and this runs on every call.
  const reads = keys.map((key, i) => `o[${JSON.stringify(key)}] === bo[${i}] && a[${JSON.stringify(key)}] === ba[${i}]`);
  const check = new Function("o", "a", "bo", "ba", `return () => ${reads.join(" && ") || "true"};`);
  return check(Object.prototype, Array.prototype, onObject, onArray) as () => boolean;
}

/** `write` with each frozen record's result kept (see above); `unchanged` as from prototypesUnchanged. */
export function rememberRecords(write: Serialize, unchanged: () => boolean): { one: Serialize; cached: (value: unknown) => string } {
  const cache = new WeakMap<object, string | typeof NOT_A_RECORD>();
  /** For a call already past the prototype check. */
  const cached = (value: unknown): string => {
    if (typeof value !== "object" || value === null) return write(value);
    // Looked up before the frozen check: a record in the cache was frozen, and freezing lasts.
    const known = cache.get(value);
    if (typeof known === "string") return known;
    if (known === undefined && !Object.isFrozen(value)) return write(value);
    const json = write(value);
    if (known === undefined) {
      if (isFrozenRecord(value)) {
        // Flattened once here, so that copying it into a body later is a plain copy.
        json.charCodeAt(0);
        cache.set(value, json);
      } else {
        cache.set(value, NOT_A_RECORD);
      }
    }
    return json;
  };
  // A value that is not frozen skips the prototype check too: it is written afresh anyway.
  const one: Serialize = (value) =>
    typeof value === "object" && value !== null && Object.isFrozen(value) && unchanged() ? cached(value) : write(value);
  return { one, cached };
}
