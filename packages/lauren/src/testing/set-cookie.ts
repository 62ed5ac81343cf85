/** A parsed `Set-Cookie` header, attributes included, so tests can assert on them directly. */
export interface SetCookie {
  readonly name: string;
  readonly value: string;
  readonly maxAge: number | undefined;
  readonly path: string | undefined;
  readonly domain: string | undefined;
  readonly expires: string | undefined;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: string | undefined;
  /** The header line as received. */
  readonly raw: string;
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair = "", ...attributes] = raw.split(";");
  const eq = pair.indexOf("=");
  const attrs = new Map<string, string>();
  const flags = new Set<string>();
  for (const attribute of attributes) {
    const i = attribute.indexOf("=");
    const key = (i === -1 ? attribute : attribute.slice(0, i)).trim().toLowerCase();
    if (i === -1) flags.add(key);
    else attrs.set(key, attribute.slice(i + 1).trim());
  }
  const maxAge = attrs.get("max-age");
  return {
    name: (eq === -1 ? pair : pair.slice(0, eq)).trim(),
    value: eq === -1 ? "" : pair.slice(eq + 1).trim(),
    maxAge: maxAge === undefined ? undefined : Number(maxAge),
    path: attrs.get("path"),
    domain: attrs.get("domain"),
    expires: attrs.get("expires"),
    secure: flags.has("secure"),
    httpOnly: flags.has("httponly"),
    sameSite: attrs.get("samesite"),
    raw,
  };
}
