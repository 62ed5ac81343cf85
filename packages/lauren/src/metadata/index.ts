/**
 * Class metadata written by our decorators. Everything is kept on the class's standard
 * decorator metadata object under one private key, so reading it needs no reflection
 * library and subclasses inherit their parent's routes through the prototype chain.
 *
 * What a subclass inherits: its parent's methods' decorators (routes, message handlers,
 * their guards, middleware…), the class's guards and `@setMetadata` values, and the class
 * kinds registered with `inheritKind` (`@useMiddleware`, `@useInterceptors`,
 * `@useExceptionHandlers`, lifecycle hooks). What says what a class *is* (`@controller`,
 * `@injectable`, `@module`…) is not inherited: a subclass declares its own.
 */
import { METADATA } from "./polyfill.js";

export { METADATA };

const KEY = Symbol("lauren.metadata");

export interface MethodMeta {
  guards: unknown[];
  values: Map<string | symbol, unknown>;
  kinds: Map<symbol, unknown>;
}

export interface ClassMeta {
  kinds: Map<symbol, unknown>;
  guards: unknown[];
  values: Map<string | symbol, unknown>;
  methods: Map<string | symbol, MethodMeta>;
}

/** Class kinds a subclass starts from (each a list); see `inheritKind`. */
const inheritedKinds = new Set<symbol>();

/** Makes a class-level kind, recorded as a list, pass on to subclasses (the parent's entries first). */
export function inheritKind(...kinds: symbol[]): void {
  for (const kind of kinds) inheritedKinds.add(kind);
}

function emptyClassMeta(parent: ClassMeta | undefined): ClassMeta {
  const meta: ClassMeta = { kinds: new Map(), guards: [], values: new Map(), methods: new Map() };
  if (parent !== undefined) {
    // Copy so that decorating a subclass never edits its parent's metadata.
    for (const [kind, list] of parent.kinds) if (inheritedKinds.has(kind)) meta.kinds.set(kind, [...(list as unknown[])]);
    meta.guards.push(...parent.guards);
    for (const [k, v] of parent.values) meta.values.set(k, v);
    for (const [name, m] of parent.methods) {
      meta.methods.set(name, { guards: [...m.guards], values: new Map(m.values), kinds: new Map(m.kinds) });
    }
  }
  return meta;
}

type MetadataObject = Record<PropertyKey, unknown>;

/** The writable metadata of the class being decorated. */
export function metaFrom(metadata: DecoratorMetadataObject | undefined): ClassMeta {
  if (metadata === undefined) {
    throw new Error("decorator metadata is unavailable: import 'lauren' before defining decorated classes");
  }
  const obj = metadata as MetadataObject;
  if (Object.hasOwn(obj, KEY)) return obj[KEY] as ClassMeta;
  const meta = emptyClassMeta(obj[KEY] as ClassMeta | undefined);
  obj[KEY] = meta;
  return meta;
}

export function methodMetaFrom(metadata: DecoratorMetadataObject | undefined, name: string | symbol): MethodMeta {
  const meta = metaFrom(metadata);
  let method = meta.methods.get(name);
  if (method === undefined) {
    method = { guards: [], values: new Map(), kinds: new Map() };
    meta.methods.set(name, method);
  }
  return method;
}

/** Whether the class carries decorators of its own (else what `readMeta` finds is its parent's). */
export function isDecorated(target: unknown): boolean {
  return typeof target === "function" && Object.hasOwn(target, METADATA);
}

/** Reads a class's metadata (own or inherited); undefined when the class was never decorated. */
export function readMeta(target: unknown): ClassMeta | undefined {
  if (typeof target !== "function") return undefined;
  const metadata = (target as unknown as MetadataObject)[METADATA] as MetadataObject | undefined;
  if (metadata === undefined || metadata === null) return undefined;
  return metadata[KEY] as ClassMeta | undefined;
}
