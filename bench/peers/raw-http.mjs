// Peer "raw-http": the contract on bare node:http, with hand-written routing, cookie parsing
// and session signing. It does the least work any framework could do: the upper bound.
//   PORT=3001 node bench/peers/raw-http.mjs
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { BADGE, COOKIE_NAME, createRoster, errors, listenAddress, MAX_AGE_SECONDS, parseId, SECRET, validateRecruit } from "./hq.mjs";

const roster = createRoster();
/** @type {Map<string, { heroId: number, name: string, expiresAt: number }>} sid -> session */
const sessions = new Map();
const BODY_LIMIT = 16 * 1024;
const COOKIE_ATTRS = `Max-Age=${MAX_AGE_SECONDS}; Path=/; HttpOnly; SameSite=Lax`;
const EXPIRED_COOKIE = `${COOKIE_NAME}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`;

/** @param {string} sid */
const mac = (sid) => createHmac("sha256", SECRET).update(sid).digest();

/** Returns the session id of a validly signed `lauren_session` cookie, else null. */
function sessionIdFrom(/** @type {string | undefined} */ header) {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== COOKIE_NAME) continue;
    const value = part.slice(eq + 1).trim();
    const dot = value.lastIndexOf(".");
    if (dot < 1 || value.length - dot - 1 !== 64) return null;
    const sid = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), "hex");
    if (given.length !== 32 || !timingSafeEqual(given, mac(sid))) return null;
    return sid;
  }
  return null;
}

/** The live session for a request, or null (expired sessions are dropped on read). */
function readSession(/** @type {import("node:http").IncomingMessage} */ req) {
  const sid = sessionIdFrom(req.headers.cookie);
  if (sid === null) return null;
  const session = sessions.get(sid);
  if (session === undefined) return null;
  if (session.expiresAt <= Date.now()) {
    sessions.delete(sid);
    return null;
  }
  return { sid, session };
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {unknown} payload
 * @param {string} [setCookie]
 */
function send(res, status, payload, setCookie) {
  const body = JSON.stringify(payload);
  /** @type {Record<string, string | number>} */
  const headers = {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  };
  if (setCookie !== undefined) headers["set-cookie"] = setCookie;
  res.writeHead(status, headers);
  res.end(body);
}

/** Reads a JSON body; resolves to { ok, value } or sends the error itself and resolves null. */
function readJson(/** @type {import("node:http").IncomingMessage} */ req, /** @type {import("node:http").ServerResponse} */ res) {
  return new Promise((resolve) => {
    const type = req.headers["content-type"] ?? "";
    if (!type.startsWith("application/json")) {
      req.resume();
      send(res, 415, errors.validation("content-type", "must be application/json"));
      return resolve(null);
    }
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT && !failed) {
        failed = true;
        send(res, 413, errors.validation("body", "too large"));
        resolve(null);
      } else if (!failed) chunks.push(chunk);
    });
    req.on("end", () => {
      if (failed) return;
      try {
        resolve({ value: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      } catch {
        send(res, 422, errors.validation("body", "must be valid JSON"));
        resolve(null);
      }
    });
  });
}

/** @type {import("node:http").RequestListener} */
async function handle(req, res) {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const method = req.method;

  if (path === "/heroes/" || path === "/heroes") {
    if (method === "GET") return send(res, 200, roster.list());
    if (method === "POST") {
      if (req.headers["x-hq-badge"] !== BADGE) {
        req.resume();
        return send(res, 403, errors.villain());
      }
      const body = await readJson(req, res);
      if (body === null) return;
      const checked = validateRecruit(body.value);
      if (!checked.ok) return send(res, 422, errors.validation(checked.field, checked.problem));
      return send(res, 201, roster.add(checked.value));
    }
  } else if (path.startsWith("/heroes/") && method === "GET") {
    const id = parseId(path.slice("/heroes/".length));
    if (id === null) return send(res, 422, errors.validation("id", "must be a positive integer"));
    const hero = roster.get(id);
    return hero ? send(res, 200, hero) : send(res, 404, errors.heroNotFound(id));
  } else if ((path === "/me/" || path === "/me") && method === "GET") {
    const found = readSession(req);
    if (found === null) return send(res, 200, { identified: false });
    const { heroId, name } = found.session;
    return send(res, 200, { identified: true, hero_id: heroId, name });
  } else if (path === "/me/login" && method === "POST") {
    const body = await readJson(req, res);
    if (body === null) return;
    const heroId = body.value?.hero_id;
    if (!Number.isSafeInteger(heroId)) {
      return send(res, 422, errors.validation("hero_id", "must be an integer"));
    }
    const hero = roster.get(heroId);
    if (hero === undefined) return send(res, 401, errors.unknownHero(heroId));
    // Regenerate: drop the old session (if any) and issue a brand-new id.
    const old = readSession(req);
    if (old !== null) sessions.delete(old.sid);
    const sid = randomBytes(32).toString("base64url");
    sessions.set(sid, { heroId: hero.id, name: hero.name, expiresAt: Date.now() + MAX_AGE_SECONDS * 1000 });
    const cookie = `${COOKIE_NAME}=${sid}.${mac(sid).toString("hex")}; ${COOKIE_ATTRS}`;
    return send(res, 200, { welcome: hero.name }, cookie);
  } else if (path === "/me/logout" && method === "POST") {
    req.resume();
    const found = readSession(req);
    if (found !== null) sessions.delete(found.sid);
    return send(res, 200, { farewell: true }, EXPIRED_COOKIE);
  }
  req.resume();
  send(res, 404, errors.routeNotFound(path));
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(err);
    if (!res.headersSent) send(res, 500, { error: { code: "internal_error", message: "internal server error", detail: {} } });
  });
});
const { port, host } = listenAddress();
server.listen(port, host, () => console.error(`raw-http listening on http://${host}:${port}`));
