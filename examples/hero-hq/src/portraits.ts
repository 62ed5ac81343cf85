/** Hero portraits: uploads, cached downloads and the roster export (tutorial step 10). */

// --8<-- [start:code]
import { createHash } from "node:crypto";
import {
  type Ctx,
  controller,
  file,
  fileOf,
  get,
  inject,
  injectable,
  ndjson,
  ndjsonOf,
  put,
  Scope,
  UnsupportedMediaTypeError,
  UploadedFile,
} from "lauren";
import { z } from "zod";
import { HeroNotFoundError } from "./dispatch.js";
import { HeroOut } from "./models.js";
import { HeroRepository } from "./roster.js";

const MAX_PORTRAIT = 1024 * 1024;

const PortraitParams = z.object({
  id: z
    .string()
    .regex(/^[0-9]+$/, "must be an integer")
    .transform(Number),
});
// The form's one part; a missing part is a 422 naming it, a bigger one a 413 (see `limits`).
const PortraitForm = z.object({ portrait: z.instanceof(UploadedFile) });

interface Portrait {
  bytes: Buffer;
  type: "image/png" | "image/jpeg";
  etag: string;
  updated: Date;
}

/** What the bytes are, whatever the client claimed: PNG and JPEG by their magic numbers. */
function sniff(bytes: Buffer): Portrait["type"] | null {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return null;
}

/** The gallery: one portrait per hero, kept in memory like the roster. */
@injectable({ scope: Scope.SINGLETON })
export class PortraitGallery {
  readonly #portraits = new Map<number, Portrait>();

  hang(id: number, bytes: Buffer, type: Portrait["type"]): Portrait {
    const etag = `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 27)}"`;
    const portrait = { bytes, type, etag, updated: new Date() };
    this.#portraits.set(id, portrait);
    return portrait;
  }

  get(id: number): Portrait | undefined {
    return this.#portraits.get(id);
  }
}

@controller("/heroes", { tags: ["heroes"] })
export class PortraitController {
  private readonly roster = inject(HeroRepository);
  private readonly gallery = inject(PortraitGallery);

  // A multipart upload: at most 1 MiB (413 beyond), and the part must really be an image.
  @put("/{id}/portrait", {
    summary: "Upload a hero's portrait",
    params: PortraitParams,
    form: PortraitForm,
    limits: { fileSize: MAX_PORTRAIT, files: 1, memoryThreshold: MAX_PORTRAIT },
    raises: [HeroNotFoundError],
  })
  async upload({ params, form }: Ctx<{ params: typeof PortraitParams; form: typeof PortraitForm }>) {
    if (this.roster.get(params.id) === undefined) throw new HeroNotFoundError("no such hero", { id: params.id });
    const bytes = await form.portrait.bytes();
    const type = sniff(bytes);
    if (type === null) {
      throw new UnsupportedMediaTypeError("a portrait must be a PNG or JPEG image", { field: "portrait" });
    }
    this.gallery.hang(params.id, bytes, type);
    return { id: params.id, bytes: bytes.length, type };
  }

  // The same bytes back, with validators so browsers revalidate (304) and ranges (206).
  @get("/{id}/portrait", {
    summary: "Download a hero's portrait",
    params: PortraitParams,
    response: fileOf("image/png", "image/jpeg"),
    raises: [HeroNotFoundError],
  })
  download({ params }: Ctx<{ params: typeof PortraitParams }>) {
    const portrait = this.gallery.get(params.id);
    if (portrait === undefined) throw new HeroNotFoundError("no portrait for this hero", { id: params.id });
    return file(portrait.bytes, {
      type: portrait.type,
      etag: portrait.etag,
      lastModified: portrait.updated,
      cacheControl: "public, max-age=0, must-revalidate",
    });
  }

  // The whole roster as newline-delimited JSON, written as the client reads it. ndjsonOf
  // declares each line a HeroOut, so a secret identity stays on the roster.
  @get("/export", { summary: "Export the roster", response: ndjsonOf(HeroOut) })
  exportRoster() {
    return ndjson(this.roster.roster());
  }
}
// --8<-- [end:code]
