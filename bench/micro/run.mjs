#!/usr/bin/env node
import { buildApp } from "../../examples/hero-hq/dist/src/main.js";
import { CreateHero } from "../../examples/hero-hq/dist/src/models.js";
import { Router } from "../../packages/lauren/dist/src/routing/index.js";
/**
 * Micro-benchmarks of the pieces on the request hot path, in-process and without sockets:
 * `npm run build && node bench/micro/run.mjs [filter]`. Numbers are ns per operation on this
 * machine; compare a branch with its base in the same minute, not across days.
 */
import { InMemorySessionStore, SessionEngine, Signer } from "../../packages/lauren/dist/src/sessions/index.js";
import { validate } from "../../packages/lauren/dist/src/validation/index.js";
import { dispatch } from "./fake-http.mjs";
import { measure } from "./harness.mjs";

const filter = process.argv[2] ?? "";
const SECRET = "bench-only-secret-k7Qm2xVt9Lp4Rz8Wn3Yc6Hb1";
const silent = { info() {}, warn() {}, error() {} };
const cases = [];
const bench = (name, fn) => cases.push([name, fn]);

// Router: a static hit, a parameter route, a miss.
const router = new Router();
for (const [m, p] of [
  ["GET", "/heroes"],
  ["POST", "/heroes"],
  ["GET", "/heroes/{id}"],
  ["GET", "/me"],
  ["POST", "/me/login"],
]) {
  router.add(m, p, `${m} ${p}`, String, "x");
}
bench("router: static path", () => router.lookup("GET", "/heroes/"));
bench("router: parameter path", () => router.lookup("GET", "/heroes/42"));
bench("router: no route", () => router.lookup("GET", "/nope/deeper"));

// Signer.
const signer = new Signer(SECRET);
const signed = signer.sign("vcXNTkcR21aJp3eD_rcKAh66-nWw5BEwWtFwNjdx7dc");
bench("signer: sign a session id", () => signer.sign("vcXNTkcR21aJp3eD_rcKAh66-nWw5BEwWtFwNjdx7dc"));
bench("signer: verify a session cookie", () => signer.unsign(signed));

// Session engine with the default in-memory store.
const engine = SessionEngine.create({ secret: SECRET, secure: false, store: new InMemorySessionStore() }, silent);
const cookieValue = await engine.createSessionCookie({ hero_id: 1, name: "Volt" });
const cookieHeader = `lauren_session=${cookieValue}`;
bench("session: load with no cookie", () => engine.load(undefined));
bench("session: load + commit a pure read", async () => engine.commit(await engine.load(cookieHeader)));
bench("session: login (regenerate, set, commit)", async () => {
  const s = await engine.load(undefined);
  s.regenerateId();
  s.set("hero_id", 1);
  s.set("name", "Volt");
  return engine.commit(s);
});

// Validation and serialisation of Hero HQ's shapes.
const paperwork = { name: "Volt", power: "lightning", wattage: 9001 };
bench("validate: CreateHero body", () => validate(CreateHero, "body", paperwork));
const roster = [{ id: 1, ...paperwork }];
bench("JSON.stringify: roster of one", () => JSON.stringify(roster));

// Whole requests through the dispatcher (no socket).
const app = buildApp({ logger: false });
await app.startup();
const handler = app.handler;
const badge = { "x-hq-badge": "hq-badge-007", "content-type": "application/json" };
await dispatch(handler, "POST", "/heroes/", badge, JSON.stringify(paperwork));
const login = await dispatch(handler, "POST", "/me/login", { "content-type": "application/json" }, '{"hero_id":1}');
const loginCookie = /^set-cookie: (lauren_session=[^;\r]+)/im.exec(login.head)?.[1];
if (loginCookie === undefined) throw new Error(`POST /me/login set no session cookie: ${login.statusCode} ${login.head}`);
bench("dispatch: GET /heroes/", () => dispatch(handler, "GET", "/heroes/"));
bench("dispatch: GET /me/ with a session", () => dispatch(handler, "GET", "/me/", { cookie: loginCookie }));
bench("dispatch: GET /me/ anonymous", () => dispatch(handler, "GET", "/me/"));
bench("dispatch: POST /me/login", () => dispatch(handler, "POST", "/me/login", { "content-type": "application/json" }, '{"hero_id":1}'));

for (const [name, fn] of cases) if (name.includes(filter)) await measure(name, fn);
await app.shutdown();
engine.close();
