/**
 * A synthetic app that exercises every part of the generator: path/query/header parameters,
 * JSON bodies, raises, class and instance guards with `static raises`, hidden routes, 201 and
 * 204 successes, non-zod validators, recursive and clashing named schemas.
 */
import { z } from "zod";
import {
  ConflictError,
  type Ctx,
  controller,
  del,
  type ExecutionContext,
  type Guard,
  get,
  HttpError,
  type LaurenApplication,
  LaurenFactory,
  type LaurenOptions,
  module,
  post,
  put,
  type StandardSchemaV1,
  useGuards,
} from "../../src/index.js";

export const SECRET = "openapi-test-secret-that-is-32-bytes-long!";

export class GadgetNotFoundError extends HttpError {
  static override status = 404;
  static override code = "gadget_not_found";
}
export class GadgetScrappedError extends HttpError {
  static override status = 404;
  static override code = "gadget_scrapped";
}
export class QuotaExceededError extends HttpError {
  static override status = 429;
  static override code = "quota_exceeded";
}
export class MaintenanceError extends HttpError {
  static override status = 503;
  static override code = "maintenance";
}

/** A class guard that documents what it throws. */
export class ApiKeyGuard implements Guard {
  static readonly raises = [QuotaExceededError];
  canActivate(_ctx: ExecutionContext): boolean {
    return true;
  }
}

/** Used as an instance (`useGuards(new MaintenanceGuard())`); its class still documents its errors. */
export class MaintenanceGuard implements Guard {
  static readonly raises = [MaintenanceError];
  canActivate(_ctx: ExecutionContext): boolean {
    return true;
  }
}

export const Gadget = z
  .object({ id: z.number().int(), name: z.string(), tags: z.array(z.string()) })
  .meta({ id: "Gadget", description: "A gadget in the catalogue." });
export const NewGadget = z.object({ name: z.string().min(1), tags: z.array(z.string()).default([]) }).meta({ id: "NewGadget" });
const GadgetParams = z.object({ gadgetId: z.coerce.number().int().describe("The gadget's number") });
const ListQuery = z.object({ limit: z.coerce.number().int().optional(), tag: z.string().optional() });
const KeyHeaders = z.object({ "x-api-key": z.string(), "x-trace-id": z.string().optional() });
/** Same id in and out, but output fills the default: two different shapes. */
const Note = z.object({ text: z.string(), pinned: z.boolean().default(false) }).meta({ id: "Note" });
const Category: z.ZodType<{ name: string; children: unknown[] }> = z.object({
  name: z.string(),
  get children() {
    return z.array(Category);
  },
});
const Stamped = z.object({ at: z.date() });

/** A Standard Schema validator with no JSON Schema to offer. */
export const opaque: StandardSchemaV1<unknown, { label: string }> = {
  "~standard": { version: 1, vendor: "acme", validate: (value) => ({ value: value as { label: string } }) },
};

/** A non-zod validator that implements Standard JSON Schema. */
export const described = {
  "~standard": {
    version: 1 as const,
    vendor: "acme",
    validate: (value: unknown) => ({ value: value as { colour: string } }),
    jsonSchema: {
      input: () => ({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: { colour: { type: "string" } },
      }),
      output: () => ({ type: "object" }),
    },
  },
};

@controller("/gadgets", { tags: ["gadgets"] })
class GadgetController {
  @get("/", { query: ListQuery, response: z.array(Gadget), summary: "List gadgets", tags: ["catalogue", "gadgets"] })
  list() {
    return [];
  }

  @post("/", { body: NewGadget, headers: KeyHeaders, status: 201, response: Gadget, raises: [ConflictError] })
  @useGuards(ApiKeyGuard)
  create({ body }: Ctx<{ body: typeof NewGadget }>) {
    return { id: 1, ...body };
  }

  @get("/{gadgetId}", {
    params: GadgetParams,
    response: Gadget,
    raises: [GadgetNotFoundError, GadgetScrappedError],
    description: "One gadget by number.",
  })
  one() {
    return { id: 1, name: "grapple", tags: [] };
  }

  @del("/{gadgetId}", { params: GadgetParams, response: z.void() })
  @useGuards(new MaintenanceGuard())
  scrap() {}

  @put("/{gadgetId}/label", { body: opaque })
  label() {
    return { ok: true };
  }

  @put("/{gadgetId}/paint", { body: described, response: z.optional(Gadget) })
  paint() {
    return undefined;
  }

  @get("/internal", { hidden: true })
  internal() {
    return { secret: true };
  }
}

@controller("/notes", { sessions: false })
class NoteController {
  @post("/", { body: Note, response: Note, status: 201 })
  add({ body }: Ctx<{ body: typeof Note }>) {
    return body;
  }

  @get("/categories", { response: Category })
  categories() {
    return { name: "root", children: [] };
  }

  @get("/stamped", { response: Stamped })
  stamped() {
    return { at: new Date(0) };
  }
}

/** Two controllers with the same class name: operation ids must still be unique. */
function catalogue(prefix: string) {
  @controller(prefix)
  class Catalogue {
    @get("/")
    browse() {
      return [];
    }
  }
  return Catalogue;
}

@module({ controllers: [GadgetController, NoteController, catalogue("/shop"), catalogue("/store")] })
class GadgetModule {}

export function gadgetApp(options: LaurenOptions = {}): LaurenApplication {
  return LaurenFactory.create(GadgetModule, {
    logger: false,
    sessions: { secret: SECRET, secure: false },
    openapiUrl: "/openapi.json",
    docsUrl: "/docs",
    openapiInfo: { title: "Gadget <Works>", version: "2.1.0", description: "Gadgets & gizmos." },
    ...options,
  });
}

/** Every `$ref` in the document points at an existing component. */
export function danglingRefs(document: unknown): string[] {
  const schemas = (document as { components: { schemas: Record<string, unknown> } }).components.schemas;
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === "object" && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string") {
          const name = value.startsWith("#/components/schemas/") ? value.slice("#/components/schemas/".length) : null;
          if (name === null || schemas[name] === undefined) out.push(value);
        } else walk(value);
      }
    }
  };
  walk(document);
  return out;
}

/** Reads a nested value from JSON without claiming its shape: `dig(schema, "properties", "id")`. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
  let node = value;
  for (const key of path) node = typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[key] : undefined;
  return node;
}
