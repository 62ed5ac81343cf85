// The Hero HQ contract as plain data and helpers, shared by the peer servers so that every
// peer answers with byte-identical payloads. Each peer is still started on its own:
// `PORT=3001 node bench/peers/raw-http.mjs`.

export const SECRET = "bench-only-secret-k7Qm2xVt9Lp4Rz8Wn3Yc6Hb1";
export const COOKIE_NAME = "lauren_session";
export const BADGE = "hq-badge-007";
/** Session lifetime: 14 days. */
export const MAX_AGE_SECONDS = 14 * 24 * 60 * 60;

/** Where to listen: loopback unless HOST says otherwise. */
export function listenAddress() {
  return { port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? "127.0.0.1" };
}

/**
 * @param {string} code
 * @param {string} message
 * @param {Record<string, unknown>} [detail]
 */
export function envelope(code, message, detail = {}) {
  return { error: { code, message, detail } };
}

export const errors = {
  villain: () =>
    envelope("villain_detected", "halt! that is not a valid HQ badge", {
      hint: "send a valid X-HQ-Badge header",
    }),
  heroNotFound: (/** @type {number} */ id) => envelope("hero_not_found", "no such hero", { id }),
  unknownHero: (/** @type {number} */ heroId) => envelope("unknown_hero", "no hero with that id", { hero_id: heroId }),
  validation: (/** @type {string} */ field, /** @type {string} */ problem) =>
    envelope("validation_error", "the request is invalid", { field, problem }),
  routeNotFound: (/** @type {string} */ path) => envelope("route_not_found", "no such route", { path }),
};

/** @typedef {{ id: number, name: string, power: string, wattage: number }} Hero */

/** An in-memory hero roster. It starts empty, like Hero HQ. */
export function createRoster() {
  /** @type {Map<number, Hero>} */
  const heroes = new Map();
  let nextId = 1;
  return {
    list: () => [...heroes.values()],
    get: (/** @type {number} */ id) => heroes.get(id),
    add(/** @type {{ name: string, power: string, wattage: number }} */ fields) {
      const hero = { id: nextId++, name: fields.name, power: fields.power, wattage: fields.wattage };
      heroes.set(hero.id, hero);
      return hero;
    },
  };
}

/**
 * Validates a recruit body by hand (raw-http and express; fastify uses a JSON schema with the
 * same rules). Returns the clean fields or the first problem found.
 * @param {unknown} body
 * @returns {{ ok: true, value: { name: string, power: string, wattage: number } } | { ok: false, field: string, problem: string }}
 */
export function validateRecruit(body) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, field: "body", problem: "must be a JSON object" };
  }
  const { name, power, wattage } = /** @type {Record<string, unknown>} */ (body);
  if (typeof name !== "string" || name.length < 1 || name.length > 100) {
    return { ok: false, field: "name", problem: "must be a string of 1 to 100 characters" };
  }
  if (typeof power !== "string" || power.length < 1 || power.length > 100) {
    return { ok: false, field: "power", problem: "must be a string of 1 to 100 characters" };
  }
  if (!Number.isSafeInteger(wattage)) {
    return { ok: false, field: "wattage", problem: "must be an integer" };
  }
  return { ok: true, value: { name, power, wattage: /** @type {number} */ (wattage) } };
}

/** Parses a path id: a positive decimal integer, else null. */
export function parseId(/** @type {string} */ text) {
  if (!/^[1-9][0-9]{0,14}$/.test(text)) return null;
  return Number(text);
}
