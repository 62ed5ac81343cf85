/**
 * Which security an operation lists. Guards say which scheme they enforce with a static
 * `security` (as they say what they raise with `raises`); controllers and routes add what a
 * handler checks by hand. All of them apply together, so their alternatives multiply out.
 * A route without guards or declarations is public (`security: []`); one behind a guard
 * that declares nothing is left without `security`, since the document cannot know.
 */
import type { CompiledRoute } from "../app/compile-routes.js";
import { ConfigurationError } from "../errors/index.js";
import type { OpenApiSecurityRequirement, OpenApiSecurityScheme, SecurityDeclaration, SecurityRequirement } from "./types.js";

function requirement(item: SecurityRequirement, owner: string): OpenApiSecurityRequirement {
  if (typeof item === "string") return { [item]: [] };
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    throw new ConfigurationError(
      `${owner} declares security ${JSON.stringify(item)}; use a scheme name ("badge") or { scheme: ["scope"] }.`,
    );
  }
  const out: OpenApiSecurityRequirement = {};
  for (const [name, scopes] of Object.entries(item)) {
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string")) {
      throw new ConfigurationError(
        `${owner} declares security scheme ${name} with scopes ${JSON.stringify(scopes)}; scopes are a list of strings.`,
      );
    }
    out[name] = [...scopes];
  }
  return out;
}

/** The alternatives one declaration offers; `[]` (enforces nothing) is the one empty requirement. */
function alternatives(declaration: SecurityDeclaration, owner: string): OpenApiSecurityRequirement[] {
  const list: readonly SecurityRequirement[] = Array.isArray(declaration) ? declaration : [declaration as SecurityRequirement];
  return list.length === 0 ? [{}] : list.map((item) => requirement(item, owner));
}

function merge(a: OpenApiSecurityRequirement, b: OpenApiSecurityRequirement): OpenApiSecurityRequirement {
  const out: OpenApiSecurityRequirement = { ...a };
  for (const [name, scopes] of Object.entries(b)) out[name] = [...new Set([...(out[name] ?? []), ...scopes])];
  return out;
}

function key(req: OpenApiSecurityRequirement): string {
  return JSON.stringify(Object.entries(req).sort((x, y) => (x[0] < y[0] ? -1 : 1)));
}

export function operationSecurity(
  route: CompiledRoute,
  schemes: Readonly<Record<string, OpenApiSecurityScheme>>,
): OpenApiSecurityRequirement[] | undefined {
  const label = route.contextRoute.label;
  const declared: [SecurityDeclaration, string][] = [];
  let undeclared = false;
  for (const guard of route.guards ?? []) {
    const cls = guard.cls ?? (guard.instance as { constructor?: unknown } | null)?.constructor;
    const security = (cls as { security?: SecurityDeclaration } | undefined)?.security;
    if (security === undefined) undeclared = true;
    else declared.push([security, `guard ${guard.name} (on ${label})`]);
  }
  if (route.controllerOptions.security !== undefined) declared.push([route.controllerOptions.security, `the controller of ${label}`]);
  if (route.options.security !== undefined) declared.push([route.options.security, label]);

  let result: OpenApiSecurityRequirement[] = [{}];
  for (const [declaration, owner] of declared) {
    const options = alternatives(declaration, owner);
    for (const option of options) {
      for (const name of Object.keys(option)) {
        if (!Object.hasOwn(schemes, name)) {
          throw new ConfigurationError(
            `${owner} names the security scheme "${name}", which openapiSecuritySchemes does not declare. ` +
              `Declare it on the app: openapiSecuritySchemes: { ${JSON.stringify(name)}: { type: "apiKey", in: "header", name: "X-Api-Key" } }.`,
          );
        }
      }
    }
    result = result.flatMap((have) => options.map((option) => merge(have, option)));
  }
  const unique = [...new Map(result.map((r) => [key(r), r])).values()];
  if (unique.every((r) => Object.keys(r).length === 0)) return undeclared ? undefined : [];
  return unique;
}

const API_KEY_PLACES = ["header", "query", "cookie"];

/** Catches a scheme that tools would reject, at start-up rather than in someone's client generator. */
export function checkSchemes(schemes: Readonly<Record<string, OpenApiSecurityScheme>>): void {
  for (const [name, scheme] of Object.entries(schemes)) {
    const problem = schemeProblem(scheme as unknown as Record<string, unknown>);
    if (problem !== null) throw new ConfigurationError(`openapiSecuritySchemes.${name}: ${problem}`);
  }
}

function schemeProblem(scheme: Record<string, unknown>): string | null {
  const nonEmpty = (v: unknown) => typeof v === "string" && v.length > 0;
  switch (scheme.type) {
    case "apiKey":
      if (!nonEmpty(scheme.name)) return 'an apiKey scheme needs the header, query or cookie name: name: "X-Api-Key".';
      return API_KEY_PLACES.includes(scheme.in as string) ? null : 'an apiKey scheme needs in: "header", "query" or "cookie".';
    case "http":
      return nonEmpty(scheme.scheme) ? null : 'an http scheme needs scheme: "bearer" or "basic".';
    case "oauth2": {
      const flows = scheme.flows;
      const ok = typeof flows === "object" && flows !== null && Object.keys(flows).length > 0;
      return ok ? null : "an oauth2 scheme needs at least one flow: flows: { clientCredentials: { tokenUrl, scopes } }.";
    }
    case "openIdConnect":
      return nonEmpty(scheme.openIdConnectUrl) ? null : "an openIdConnect scheme needs openIdConnectUrl.";
    case "mutualTLS":
      return null;
    default:
      return `unknown type ${JSON.stringify(scheme.type)}; use "apiKey", "http", "oauth2", "openIdConnect" or "mutualTLS".`;
  }
}
