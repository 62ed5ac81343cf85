// The benchmark scenarios: what request each one fires, which servers it applies to, and the
// functional pre-/post-checks that make sure a server is measured doing the right thing.
import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { STATIC_FILE } from "./servers.mjs";

const COOKIE = "lauren_session";
const LOGIN_BODY = JSON.stringify({ hero_id: 1 });
const JSON_HEADERS = { "content-type": "application/json" };
const VOLT_ME = { identified: true, hero_id: 1, name: "Volt" };
/** The page origin the pipeline servers allow (HERO_HQ_CORS_ORIGINS / HQ_CORS_ORIGINS). */
const PAGE_ORIGIN = "https://hq.example";
/** Scenarios a to e measure the Hero HQ servers; the pipeline ones run f only, the surface ones s and u. */
const plain = (/** @type {ServerDef} */ def) => !def.pipeline && !def.surface;
/** The Redis servers run the two session scenarios only: a read (b) and a login (d). */
const noRedis = (/** @type {ServerDef} */ def) => plain(def) && !def.redis;
/** Heroes on the roster in scenario (g). */
export const LARGE_ROSTER = 1000;
const BOUNDARY = "lauren-bench-boundary";
const UPLOAD_BYTES = 1024 * 1024;
/** Scenario (u)'s body: one 1 MiB file part. */
const UPLOAD = Buffer.concat([
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="one.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  ),
  randomBytes(UPLOAD_BYTES),
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);

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
 * @property {string} [baselineServer]   ratio is to this server instead of raw-http
 * @property {boolean} [fixedCount]      measured over a fixed number of requests, not a fixed time
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

/** Recruits heroes until the roster holds `count`, 16 requests in flight (about 100 bytes of JSON each). */
async function fillRoster(/** @type {string} */ base, /** @type {number} */ count) {
  const have = (await getJson(`${base}/heroes/`)).body.length;
  let next = have + 1;
  const worker = async () => {
    while (next <= count) {
      const n = next++;
      const res = await fetch(`${base}/heroes/`, {
        method: "POST",
        headers: { ...JSON_HEADERS, "x-hq-badge": "hq-badge-007" },
        body: JSON.stringify({
          name: `Recruit ${String(n).padStart(4, "0")} of the large roster`,
          power: "weather control and lightning",
          wattage: n * 7,
        }),
        signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`recruit ${n} failed: ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
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
    appliesTo: noRedis,
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
    appliesTo: noRedis,
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
    what: "session write + regenerate, server-side store (every request adds a session; the -redis servers keep it in Redis)",
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
  {
    id: "g",
    title: `GET /heroes/, ${LARGE_ROSTER.toLocaleString("en")} heroes`,
    short: "large body (~100 KB)",
    what: `list heroes with ${LARGE_ROSTER.toLocaleString("en")} on the roster (about 100 KB of JSON): raw node:http calls JSON.stringify, Fastify and Lauren serialize with the route's response schema; a fixed number of requests`,
    appliesTo: (def) => Boolean(def.roster),
    fixedCount: true,
    async prepare(base) {
      await fillRoster(base, LARGE_ROSTER);
      const res = await fetch(`${base}/heroes/`, { signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      const body = JSON.parse(text);
      must(`GET /heroes/ must list ${LARGE_ROSTER} heroes`, res.status === 200 && body.length === LARGE_ROSTER, body.length);
      must("the body must be about 100 KB", text.length > 90_000, text.length);
      return { method: "GET", path: "/heroes/" };
    },
  },
  {
    id: "s",
    title: "GET /static/blob.bin",
    short: "static file, 64 KiB",
    what: "a 64 KiB file from a static folder: Lauren's staticFiles against @fastify/static and express.static; ratio to Fastify",
    appliesTo: (def) => def.surface !== undefined,
    baselineServer: "fastify-surface",
    async prepare(base) {
      const res = await fetch(`${base}/static/blob.bin`, { signal: AbortSignal.timeout(5000) });
      const bytes = Buffer.from(await res.arrayBuffer());
      must("GET /static/blob.bin must send the file's bytes", res.status === 200 && bytes.equals(STATIC_FILE), res.status);
      return { method: "GET", path: "/static/blob.bin" };
    },
  },
  {
    id: "u",
    title: "POST /upload, 1 MiB",
    short: "multipart upload, 1 MiB",
    what: "a 1 MiB file in a multipart body, read into memory: a Lauren form route against @fastify/multipart; ratio to Fastify",
    appliesTo: (def) => def.surface === "lauren" || def.surface === "fastify",
    baselineServer: "fastify-surface",
    async prepare(base) {
      const spec = /** @type {RequestSpec} */ ({
        method: "POST",
        path: "/upload",
        headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
        body: UPLOAD,
      });
      const res = await fetch(base + spec.path, { method: "POST", headers: spec.headers, body: UPLOAD, signal: AbortSignal.timeout(5000) });
      const body = await res.json();
      must("POST /upload must read the whole file", res.status === 200 && body?.size === UPLOAD_BYTES, body);
      return spec;
    },
  },
];
