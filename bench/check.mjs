// Contract check for any running Hero HQ server.
//   node bench/check.mjs http://127.0.0.1:3000 [--loose-cookie] [--stateless]
// --loose-cookie  the cookie value format (<43-char id>.<64 hex>) and Max-Age=1209600 are only
//                 warnings (express-session and @fastify/session sign and expire their own way)
// --stateless     the session lives in the cookie: the value format is a warning, and so are an
//                 unchanged value on re-login and old cookies still identifying after re-login/logout
// Exit code: 0 all checks passed, 1 a check failed, 2 the server did not answer.
// It recruits heroes, so run it against a throwaway process, not one about to be benchmarked.
import { createHmac } from "node:crypto";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";

const SECRET = "bench-only-secret-k7Qm2xVt9Lp4Rz8Wn3Yc6Hb1";
const COOKIE = "lauren_session";
const VOLT = { name: "Volt", power: "lightning", wattage: 9001 };
const FOURTEEN_DAYS = 1209600;

/**
 * @typedef {{ status: number, body: any, text: string, setCookies: string[] }} Reply
 * @typedef {{ passed: number, failures: string[], warnings: string[] }} CheckResult
 */

/**
 * @param {string} base
 * @param {string} path
 * @param {{ method?: string, body?: unknown, cookie?: string, headers?: Record<string, string> }} [opts]
 * @returns {Promise<Reply>}
 */
async function call(base, path, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.cookie) headers.cookie = opts.cookie;
  const res = await fetch(base + path, {
    method: opts.method ?? "GET",
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, setCookies: res.headers.getSetCookie() };
}

/** Splits a Set-Cookie header into its value and lower-cased attributes. */
function parseSetCookie(/** @type {string} */ header) {
  const [pair, ...attrs] = header.split(";").map((s) => s.trim());
  const eq = pair.indexOf("=");
  /** @type {Record<string, string>} */
  const attributes = {};
  for (const a of attrs) {
    const i = a.indexOf("=");
    attributes[(i < 0 ? a : a.slice(0, i)).toLowerCase()] = i < 0 ? "" : a.slice(i + 1);
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

/** The lauren_session Set-Cookie of a reply, parsed, or undefined. */
const sessionCookie = (/** @type {Reply} */ r) => r.setCookies.map(parseSetCookie).find((c) => c.name === COOKIE);

/**
 * Runs every check against `base` and returns the tally; never throws for a contract failure.
 * @param {string} base e.g. http://127.0.0.1:3000
 * @param {{ looseCookie?: boolean, stateless?: boolean, log?: (line: string) => void }} [opts]
 * @returns {Promise<CheckResult>}
 */
export async function runCheck(base, opts = {}) {
  const log = opts.log ?? (() => {});
  /** @type {CheckResult} */
  const result = { passed: 0, failures: [], warnings: [] };
  /** @param {string} name @param {boolean} ok @param {string} [got] @param {boolean} [warnOnly] */
  const expect = (name, ok, got = "", warnOnly = false) => {
    if (ok) {
      result.passed++;
      log(`  ok    ${name}`);
    } else if (warnOnly) {
      result.warnings.push(`${name} (got ${got})`);
      log(`  warn  ${name} (got ${got})`);
    } else {
      result.failures.push(`${name} (got ${got})`);
      log(`  FAIL  ${name} (got ${got})`);
    }
    return ok;
  };
  const show = (/** @type {Reply} */ r) => `${r.status} ${r.text.slice(0, 160)}`;
  const badge = { "x-hq-badge": "hq-badge-007" };

  // Heroes: recruit Volt as hero 1 on an empty roster (else check hero 1 is Volt), list, 404.
  let r = await call(base, "/heroes/");
  expect("GET /heroes/ is 200 with an array", r.status === 200 && Array.isArray(r.body), show(r));
  if (Array.isArray(r.body) && r.body.length === 0) {
    r = await call(base, "/heroes/", { method: "POST", body: VOLT, headers: badge });
    expect("recruit Volt is 201 with id 1", r.status === 201 && isDeepStrictEqual(r.body, { id: 1, ...VOLT }), show(r));
  }
  r = await call(base, "/heroes/", { method: "POST", body: { name: "Spark", power: "static", wattage: 12 } });
  expect("recruit without badge is refused (401/403)", r.status === 401 || r.status === 403, show(r));
  r = await call(base, "/heroes/", { method: "POST", body: { name: "Spark", power: "static", wattage: "12" }, headers: badge });
  expect("recruit with a string wattage is a 4xx", r.status >= 400 && r.status < 500, show(r));
  r = await call(base, "/heroes/");
  const listed = Array.isArray(r.body) ? r.body.find((h) => h?.id === 1) : undefined;
  expect("GET /heroes/ lists Volt as hero 1", isDeepStrictEqual(listed, { id: 1, ...VOLT }), show(r));
  r = await call(base, "/heroes/1");
  expect("GET /heroes/1 is Volt", r.status === 200 && isDeepStrictEqual(r.body, { id: 1, ...VOLT }), show(r));
  r = await call(base, "/heroes/999");
  const notFound = { error: { code: "hero_not_found", message: "no such hero", detail: { id: 999 } } };
  expect("GET /heroes/999 is 404 hero_not_found", r.status === 404 && isDeepStrictEqual(r.body, notFound), show(r));

  // Anonymous session reads.
  r = await call(base, "/me/");
  expect("GET /me/ without cookie is identified:false", r.status === 200 && isDeepStrictEqual(r.body, { identified: false }), show(r));
  expect("GET /me/ without cookie sends no Set-Cookie", r.setCookies.length === 0, r.setCookies.join(" | "));
  r = await call(base, "/me/login", { method: "POST", body: { hero_id: 999 } });
  expect("login as unknown hero is 401 with an error envelope", r.status === 401 && typeof r.body?.error?.code === "string", show(r));

  // Login: cookie shape.
  r = await call(base, "/me/login", { method: "POST", body: { hero_id: 1 } });
  expect("login as hero 1 is 200 {welcome:Volt}", r.status === 200 && isDeepStrictEqual(r.body, { welcome: "Volt" }), show(r));
  const issued = sessionCookie(r);
  if (!expect("login sets a lauren_session cookie", issued !== undefined && issued.value !== "", r.setCookies.join(" | "))) {
    return result;
  }
  const attrs = issued.attributes;
  const lenientValue = opts.looseCookie || opts.stateless;
  const m = /^([A-Za-z0-9_-]{43})\.([0-9a-f]{64})$/.exec(issued.value);
  expect("cookie value is <43-char id>.<64 hex>", m !== null, issued.value, lenientValue);
  if (m) {
    const mac = createHmac("sha256", SECRET).update(m[1]).digest("hex");
    expect("cookie signature is HMAC-SHA256(secret, id)", mac === m[2], m[2], true);
  }
  expect("cookie has Path=/", attrs.path === "/", JSON.stringify(attrs));
  expect("cookie is HttpOnly", "httponly" in attrs, JSON.stringify(attrs));
  expect("cookie is SameSite=Lax", attrs.samesite?.toLowerCase() === "lax", JSON.stringify(attrs));
  expect("cookie is not Secure (plain-HTTP tutorial)", !("secure" in attrs), JSON.stringify(attrs));
  expect("cookie has Max-Age=1209600", attrs["max-age"] === String(FOURTEEN_DAYS), JSON.stringify(attrs), opts.looseCookie);
  const lifetime = attrs["max-age"] !== undefined ? Number(attrs["max-age"]) : (Date.parse(attrs.expires ?? "") - Date.now()) / 1000;
  expect("cookie lives 14 days", Math.abs(lifetime - FOURTEEN_DAYS) < 120, JSON.stringify(attrs));
  const cookie = `${COOKIE}=${issued.value}`;

  // Session reads with the cookie.
  r = await call(base, "/me/", { cookie });
  const me = { identified: true, hero_id: 1, name: "Volt" };
  expect("GET /me/ with the cookie identifies Volt", r.status === 200 && isDeepStrictEqual(r.body, me), show(r));
  expect("GET /me/ (pure read) sends no Set-Cookie", r.setCookies.length === 0, r.setCookies.join(" | "));
  const at = cookie.length - 10; // inside the signature; a middle character uses all its bits
  const tampered = `${cookie.slice(0, at)}${cookie[at] === "0" ? "1" : "0"}${cookie.slice(at + 1)}`;
  r = await call(base, "/me/", { cookie: tampered });
  expect("a tampered cookie is anonymous", isDeepStrictEqual(r.body, { identified: false }), show(r));

  // Re-login regenerates; logout expires; old cookies stop identifying.
  r = await call(base, "/me/login", { method: "POST", body: { hero_id: 1 }, cookie });
  const second = sessionCookie(r);
  expect("re-login sets a cookie", second !== undefined, r.setCookies.join(" | "));
  const renewed = second !== undefined && second.value !== issued.value;
  expect("re-login issues a new cookie value", renewed, r.setCookies.join(" | "), opts.stateless);
  r = await call(base, "/me/", { cookie });
  expect("the pre-login cookie no longer identifies", isDeepStrictEqual(r.body, { identified: false }), show(r), opts.stateless);
  if (second === undefined) return result;
  const cookie2 = `${COOKIE}=${second.value}`;
  r = await call(base, "/me/logout", { method: "POST", cookie: cookie2 });
  expect("logout is 200 {farewell:true}", r.status === 200 && isDeepStrictEqual(r.body, { farewell: true }), show(r));
  const cleared = sessionCookie(r);
  const expired =
    cleared !== undefined && (cleared.attributes["max-age"] === "0" || Date.parse(cleared.attributes.expires ?? "") <= Date.now());
  expect("logout expires the cookie", expired, r.setCookies.join(" | "));
  r = await call(base, "/me/", { cookie: cookie2 });
  expect("after logout the old cookie is anonymous", isDeepStrictEqual(r.body, { identified: false }), show(r), opts.stateless);
  return result;
}

/** Throws unless `base` answers within a few seconds. */
async function reachable(/** @type {string} */ base) {
  await fetch(`${base}/heroes/`, { signal: AbortSignal.timeout(3000) });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const base = args.find((a) => !a.startsWith("--"))?.replace(/\/+$/, "");
  if (!base) {
    console.error("usage: node bench/check.mjs <url> [--loose-cookie] [--stateless]");
    process.exit(2);
  }
  try {
    await reachable(base);
  } catch (err) {
    console.error(`${base} did not answer: ${err instanceof Error ? err.message : err}`);
    process.exit(2);
  }
  const result = await runCheck(base, {
    looseCookie: args.includes("--loose-cookie"),
    stateless: args.includes("--stateless"),
    log: (line) => console.log(line),
  });
  console.log(`${result.passed} passed, ${result.warnings.length} warnings, ${result.failures.length} failed`);
  process.exit(result.failures.length === 0 ? 0 : 1);
}
