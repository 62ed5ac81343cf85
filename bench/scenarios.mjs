// The benchmark scenarios: what request each one fires, which servers it applies to, and the
// functional pre-/post-checks that make sure a server is measured doing the right thing.
import { isDeepStrictEqual } from "node:util";

const COOKIE = "lauren_session";
const LOGIN_BODY = JSON.stringify({ hero_id: 1 });
const JSON_HEADERS = { "content-type": "application/json" };
const VOLT_ME = { identified: true, hero_id: 1, name: "Volt" };
/** The page origin the pipeline servers allow (HERO_HQ_CORS_ORIGINS / HQ_CORS_ORIGINS). */
const PAGE_ORIGIN = "https://hq.example";
/** Scenarios a to e measure the plain servers; the pipeline ones run f only. */
const plain = (/** @type {ServerDef} */ def) => !def.pipeline;

/**
 * @typedef {import("./load.mjs").RequestSpec} RequestSpec
 * @typedef {import("./servers.mjs").ServerDef} ServerDef
 * @typedef {object} Scenario
 * @property {string} id                 a..e
 * @property {string} title              the request
 * @property {string} short              what it measures, in two or three words (chart labels)
 * @property {string} what               what it measures
 * @property {(def: ServerDef) => boolean} appliesTo
 * @property {boolean} [sessionWrite]    RSS is recorded around it
 * @property {string} [baselineOf]       ratio is to raw-http's result in this scenario instead
 * @property {(url: string) => Promise<RequestSpec>} prepare   checks the server, returns the request
 * @property {(url: string, spec: RequestSpec) => Promise<void>} [verify]  re-checks afterwards
 */

/** GET and parse JSON, failing loudly on anything unexpected. */
async function getJson(/** @type {string} */ url, /** @type {Record<string, string>} */ headers = {}) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.json(), setCookies: res.headers.getSetCookie() };
}

/** Logs in as hero 1 and returns the `lauren_session=...` pair to send back. */
export async function login(/** @type {string} */ base) {
  const res = await fetch(`${base}/me/login`, {
    method: "POST",
    headers: JSON_HEADERS,
    body: LOGIN_BODY,
    signal: AbortSignal.timeout(5000),
  });
  const body = await res.json();
  const pair = res.headers
    .getSetCookie()
    .map((c) => c.split(";", 1)[0])
    .find((c) => c.startsWith(`${COOKIE}=`));
  if (res.status !== 200 || body?.welcome !== "Volt" || !pair) {
    throw new Error(`login failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return pair;
}

/** Recruits Volt on a fresh (empty) server; he must become hero 1. */
export async function recruitVolt(/** @type {string} */ base) {
  const res = await fetch(`${base}/heroes/`, {
    method: "POST",
    headers: { ...JSON_HEADERS, "x-hq-badge": "hq-badge-007" },
    body: JSON.stringify({ name: "Volt", power: "lightning", wattage: 9001 }),
    signal: AbortSignal.timeout(5000),
  });
  const body = await res.json();
  if (res.status !== 201 || body?.id !== 1) throw new Error(`recruit failed: ${res.status} ${JSON.stringify(body)}`);
}

/** @param {string} what @param {boolean} ok @param {unknown} got */
function must(what, ok, got) {
  if (!ok) throw new Error(`${what}; got ${JSON.stringify(got)}`);
}

/** @type {RequestSpec} POST /me/login as hero 1, with no inbound cookie */
export const LOGIN = { method: "POST", path: "/me/login", headers: JSON_HEADERS, body: LOGIN_BODY };

/** @type {Scenario[]} */
export const SCENARIOS = [
  {
    id: "a",
    title: "GET /heroes/",
    short: "no session",
    what: "list heroes; no session code on this route",
    appliesTo: plain,
    async prepare(base) {
      const r = await getJson(`${base}/heroes/`);
      must("GET /heroes/ must list Volt", r.status === 200 && r.body?.[0]?.name === "Volt", r);
      return { method: "GET", path: "/heroes/" };
    },
  },
  {
    id: "b",
    title: "GET /me/ + cookie",
    short: "session read",
    what: "session read: a valid logged-in cookie is verified and looked up",
    appliesTo: plain,
    async prepare(base) {
      const cookie = await login(base);
      const r = await getJson(`${base}/me/`, { cookie });
      must("GET /me/ with the cookie must identify Volt", isDeepStrictEqual(r.body, VOLT_ME), r.body);
      must("GET /me/ must not send Set-Cookie", r.setCookies.length === 0, r.setCookies);
      return { method: "GET", path: "/me/", headers: { cookie } };
    },
    async verify(base, spec) {
      const r = await getJson(`${base}/me/`, spec.headers);
      must("after the run the cookie must still identify Volt", isDeepStrictEqual(r.body, VOLT_ME), r.body);
    },
  },
  {
    id: "c",
    title: "GET /me/, no cookie",
    short: "no cookie",
    what: "session lookup that finds no cookie",
    appliesTo: plain,
    async prepare(base) {
      const r = await getJson(`${base}/me/`);
      must("GET /me/ without cookie must be anonymous", isDeepStrictEqual(r.body, { identified: false }), r.body);
      return { method: "GET", path: "/me/" };
    },
  },
  {
    id: "d",
    title: "POST /me/login",
    short: "login, memory store",
    what: "session write + regenerate, server-side store (every request adds a session)",
    appliesTo: (def) => plain(def) && !def.stateless,
    sessionWrite: true,
    async prepare(base) {
      await login(base);
      return LOGIN;
    },
  },
  {
    id: "e",
    title: "POST /me/login",
    short: "login, cookie store",
    what: "(d) against lauren-cookie: session write with the stateless signed-cookie store",
    appliesTo: (def) => Boolean(def.stateless),
    sessionWrite: true,
    baselineOf: "d",
    async prepare(base) {
      await login(base);
      return LOGIN;
    },
  },
  {
    id: "f",
    title: "GET /heroes/ + Origin",
    short: "CORS, headers, ids, log",
    what: "(a) from an allowed origin through CORS, security headers and request ids, with a JSON log line per request written to a file; ratio to raw-http's (a)",
    appliesTo: (def) => Boolean(def.pipeline),
    baselineOf: "a",
    async prepare(base) {
      const res = await fetch(`${base}/heroes/`, { headers: { origin: PAGE_ORIGIN }, signal: AbortSignal.timeout(5000) });
      const body = await res.json();
      const h = (/** @type {string} */ name) => res.headers.get(name);
      must("GET /heroes/ must list Volt", res.status === 200 && body?.[0]?.name === "Volt", body);
      must("the allowed origin must be echoed", h("access-control-allow-origin") === PAGE_ORIGIN, h("access-control-allow-origin"));
      must("credentials must be allowed", h("access-control-allow-credentials") === "true", h("access-control-allow-credentials"));
      must("a request id must be sent", (h("x-request-id") ?? "").length > 0, h("x-request-id"));
      must("nosniff must be sent", h("x-content-type-options") === "nosniff", h("x-content-type-options"));
      return { method: "GET", path: "/heroes/", headers: { origin: PAGE_ORIGIN } };
    },
  },
];
