/**
 * Validators → JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) through the Standard
 * JSON Schema interface, `~standard.jsonSchema`, which zod 4 implements with z.toJSONSchema;
 * lauren itself never imports a validator. Definitions a conversion produces (zod's
 * `.meta({ id })` schemas) are lifted into `components.schemas` and their `$ref`s rewritten,
 * so a named schema is documented once and referenced everywhere. A validator without the
 * interface is documented as `{}` (any value).
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { JsonSchema } from "./types.js";

export type Io = "input" | "output";

export const COMPONENTS = "#/components/schemas/";
const TARGET = "draft-2020-12";
const DEF_PREFIXES = ["#/$defs/", "#/definitions/"] as const;

type Convert = (options: { target: string; libraryOptions?: Record<string, unknown> }) => Record<string, unknown>;

/** Names the schema in warnings (`where`) and, if it must become a component itself, its name (`hint`). */
export interface SchemaLabel {
  where: string;
  hint: string;
  /** Give up silently (`{}`) when the schema has no JSON form, e.g. `z.void()` for "returns nothing". */
  quiet?: boolean;
  /** A form schema: its file fields have no JSON form and are expected to come out as `{}`, without a warning. */
  files?: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function converter(schema: StandardSchemaV1, io: Io): Convert | null {
  const json = (schema["~standard"] as { jsonSchema?: unknown }).jsonSchema;
  if (!isObject(json) || typeof json[io] !== "function") return null;
  return json[io] as Convert;
}

/** Component names must match `^[a-zA-Z0-9._-]+$`. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_") || "Schema";
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function hasSelfRef(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasSelfRef);
  if (!isObject(node)) return false;
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string" && value.startsWith("#") && !DEF_PREFIXES.some((p) => value.startsWith(p))) return true;
    if (hasSelfRef(value)) return true;
  }
  return false;
}

/** Copies `node` with every local `$ref` pointed into `components.schemas`. */
function rewrite(node: unknown, names: ReadonlyMap<string, string>, self: string | null): unknown {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, names, self));
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === "$ref" && typeof value === "string" ? rewriteRef(value, names, self) : rewrite(value, names, self);
  }
  return out;
}

function rewriteRef(ref: string, names: ReadonlyMap<string, string>, self: string | null): string {
  for (const prefix of DEF_PREFIXES) {
    if (!ref.startsWith(prefix)) continue;
    const rest = ref.slice(prefix.length);
    const slash = rest.indexOf("/");
    const name = (slash === -1 ? rest : rest.slice(0, slash)).replace(/~1/g, "/").replace(/~0/g, "~");
    return `${COMPONENTS}${names.get(name) ?? safeName(name)}${slash === -1 ? "" : rest.slice(slash)}`;
  }
  // "#" (a recursive schema pointing at itself): the root became the component `self`.
  if (self !== null && ref.startsWith("#")) return `${COMPONENTS}${self}${ref.slice(1)}`;
  return ref;
}

export class SchemaRegistry {
  /** Becomes `components.schemas`. */
  readonly components: Record<string, JsonSchema>;
  /** Converting is the expensive part; a schema used by several routes is converted once. */
  readonly #cache = new Map<StandardSchemaV1, Partial<Record<Io, JsonSchema>>>();
  readonly #warn: (message: string) => void;

  constructor(initial: Record<string, JsonSchema>, warn: (message: string) => void) {
    this.components = { ...initial };
    this.#warn = warn;
  }

  /** The JSON Schema of what `schema` accepts (input) or produces (output); `{}` when it cannot say. */
  convert(schema: StandardSchemaV1, io: Io, label: SchemaLabel): JsonSchema {
    const byIo = this.#cache.get(schema) ?? {};
    const hit = byIo[io];
    if (hit !== undefined) return hit;
    const raw = this.#raw(schema, io, label);
    const result = raw === null ? {} : this.#lift(raw, io, label.hint);
    byIo[io] = result;
    this.#cache.set(schema, byIo);
    return result;
  }

  /** Follows a `$ref` into the components, to read an object schema's properties. */
  resolve(schema: JsonSchema): JsonSchema {
    const ref = schema.$ref;
    if (typeof ref !== "string" || !ref.startsWith(COMPONENTS) || ref.indexOf("/", COMPONENTS.length) !== -1) return schema;
    return this.components[ref.slice(COMPONENTS.length)] ?? schema;
  }

  #raw(schema: StandardSchemaV1, io: Io, { where, quiet, files }: SchemaLabel): Record<string, unknown> | null {
    const convert = converter(schema, io);
    if (convert === null) return null;
    let reason: string;
    try {
      return convert({ target: TARGET });
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    if (quiet === true) return null;
    // zod refuses types JSON cannot express (dates, transforms on output); asked, it leaves
    // just those parts open instead of losing the whole schema.
    if (schema["~standard"].vendor === "zod") {
      try {
        const loose = convert({ target: TARGET, libraryOptions: { unrepresentable: "any" } });
        if (files === true) return loose;
        this.#warn(`${where}: ${reason}; those parts are documented as {} (any value)`);
        return loose;
      } catch {
        // fall through to the warning below
      }
    }
    this.#warn(`${where}: ${reason}; documented as {} (any value)`);
    return null;
  }

  #lift(raw: Record<string, unknown>, io: Io, hint: string): JsonSchema {
    const root: Record<string, unknown> = { ...raw };
    const defs = { ...(isObject(root.definitions) ? root.definitions : {}), ...(isObject(root.$defs) ? root.$defs : {}) };
    for (const key of ["$schema", "$id", "$defs", "definitions"]) delete root[key];

    // Pass 1 picks a component name per definition, comparing contents as if nothing were
    // renamed: an identical component is shared, a different one under the same id gets a suffix.
    const provisional = new Map(Object.keys(defs).map((name) => [name, safeName(name)]));
    const names = new Map<string, string>();
    const taken = new Set<string>();
    for (const [name, def] of Object.entries(defs)) {
      names.set(name, this.#pick(safeName(name), rewrite(def, provisional, null), io, taken));
    }
    const self = hasSelfRef(root) ? this.#pick(safeName(hint), rewrite(root, names, safeName(hint)), io, taken) : null;
    for (const [name, def] of Object.entries(defs)) {
      const final = names.get(name) as string;
      this.components[final] ??= rewrite(def, names, null) as JsonSchema;
    }
    if (self !== null) {
      this.components[self] ??= rewrite(root, names, self) as JsonSchema;
      return { $ref: `${COMPONENTS}${self}` };
    }
    return rewrite(root, names, null) as JsonSchema;
  }

  /**
   * `name` if free or holding the same schema; else `NameInput`/`NameOutput`, then numbered.
   * `taken` holds the names already given out by this conversion.
   */
  #pick(name: string, content: unknown, io: Io, taken: Set<string>): string {
    const suffix = io === "input" ? "Input" : "Output";
    for (let n = 0; ; n++) {
      const candidate = n === 0 ? name : n === 1 ? `${name}${suffix}` : `${name}${suffix}${n}`;
      if (taken.has(candidate)) continue;
      const existing = this.components[candidate];
      if (existing === undefined || same(existing, content)) {
        taken.add(candidate);
        return candidate;
      }
    }
  }
}
