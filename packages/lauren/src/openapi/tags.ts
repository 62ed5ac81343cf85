/**
 * Tags: each operation lists its controller's and its own; the document lists every tag once
 * at the top, in first-seen order (the app's `openapiTags` first), with the description the
 * app or a controller gave it. Two different descriptions of one tag are a start-up error.
 */
import type { CompiledRoute } from "../app/compile-routes.js";
import { ConfigurationError } from "../errors/index.js";
import type { OpenApiTag } from "./types.js";

export class TagList {
  readonly #tags = new Map<string, OpenApiTag>();
  readonly #owners = new Map<string, string>();

  constructor(declared: readonly OpenApiTag[] = []) {
    for (const tag of declared) this.#add(tag, "openapiTags");
  }

  /** The tag names of one operation, recording them for the top-level list. */
  forRoute(route: CompiledRoute): string[] {
    const names: string[] = [];
    const owner = `the controller of ${route.contextRoute.label}`;
    for (const tag of route.controllerOptions.tags ?? []) names.push(this.#add(typeof tag === "string" ? { name: tag } : tag, owner));
    for (const tag of route.options.tags ?? []) names.push(this.#add({ name: tag }, route.contextRoute.label));
    return [...new Set(names)];
  }

  get list(): OpenApiTag[] {
    return [...this.#tags.values()];
  }

  #add(tag: OpenApiTag, owner: string): string {
    if (typeof tag.name !== "string" || tag.name.length === 0) throw new ConfigurationError(`${owner} declares a tag without a name.`);
    const known = this.#tags.get(tag.name);
    if (known === undefined) {
      this.#tags.set(tag.name, { ...tag });
      this.#owners.set(tag.name, owner);
      return tag.name;
    }
    if (tag.description !== undefined && known.description !== undefined && tag.description !== known.description) {
      throw new ConfigurationError(
        `The tag "${tag.name}" is described twice, differently, by ${this.#owners.get(tag.name)} and ${owner}. Describe it in one place (openapiTags).`,
      );
    }
    if (known.description === undefined && tag.description !== undefined) known.description = tag.description;
    if (known.externalDocs === undefined && tag.externalDocs !== undefined) known.externalDocs = tag.externalDocs;
    return tag.name;
  }
}

/**
 * A handler's name in words, as the operation's summary when none is given:
 * `listHeroes` → "List heroes", `get_user_by_id` → "Get user by id", `fetchHTTPStatus` → "Fetch HTTP status".
 */
export function summaryFromName(name: string): string {
  const words = name.match(/[A-Z]{2,}(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+/g) ?? [name];
  // Acronyms keep their capitals ("HTTP"); every other word is lower case.
  const text = words.map((w) => (w.length > 1 && w === w.toUpperCase() ? w : w.toLowerCase())).join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
