// Peer "fastify-session": fastify 5 + @fastify/cookie + @fastify/session (its memory store),
// JSON-schema validation of bodies and responses, sessions registered on the /me routes only.
// With HQ_PIPELINE=1 (peer "fastify-pipeline") it also runs @fastify/cors, @fastify/helmet,
// request ids (X-Request-Id kept or generated, and echoed) and one pino JSON line per request
// on stdout: the same work as Hero HQ with HERO_HQ_CORS_ORIGINS and LAUREN_LOG_FORMAT=json.
//   PORT=3002 node bench/peers/fastify-session.mjs
import { randomUUID } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyCors from "@fastify/cors";
import fastifyHelmet from "@fastify/helmet";
import fastifySession from "@fastify/session";
import Fastify from "fastify";
import { BADGE, COOKIE_NAME, createRoster, errors, listenAddress, MAX_AGE_SECONDS, parseId, SECRET } from "./hq.mjs";
import { redisStore } from "./redis-store.mjs";

const roster = createRoster();
const store = await redisStore();
const COOKIE_OPTIONS = { path: "/", httpOnly: true, sameSite: "lax", secure: false };

const heroSchema = {
  type: "object",
  properties: {
    id: { type: "integer" },
    name: { type: "string" },
    power: { type: "string" },
    wattage: { type: "integer" },
  },
};
const recruitSchema = {
  type: "object",
  required: ["name", "power", "wattage"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 100 },
    power: { type: "string", minLength: 1, maxLength: 100 },
    wattage: { type: "integer" },
  },
};
const loginSchema = { type: "object", required: ["hero_id"], properties: { hero_id: { type: "integer" } } };

const PIPELINE = process.env.HQ_PIPELINE === "1";

// coerceTypes off: a wattage of "9001" is a 422 here, as in the other peers.
const app = Fastify({
  logger: PIPELINE ? { level: "info" } : false,
  // One line per request, written below, instead of fastify's two (incoming + completed).
  disableRequestLogging: true,
  requestIdHeader: "x-request-id",
  genReqId: () => randomUUID(),
  ajv: { customOptions: { coerceTypes: false } },
});

if (PIPELINE) {
  await app.register(fastifyCors, {
    origin: (process.env.HQ_CORS_ORIGINS ?? "https://hq.example").split(","),
    credentials: true,
    allowedHeaders: ["content-type", "x-hq-badge"],
    exposedHeaders: ["x-request-id"],
    maxAge: 600,
  });
  await app.register(fastifyHelmet);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.addHook("onResponse", async (request, reply) => {
    const status = reply.statusCode;
    const line = { reqId: request.id, method: request.method, path: request.url.split("?")[0], status, durationMs: reply.elapsedTime };
    if (status >= 500) app.log.error(line, "request completed");
    else if (status >= 400) app.log.warn(line, "request completed");
    else app.log.info(line, "request completed");
  });
}

app.setErrorHandler((err, _request, reply) => {
  if (err.validation) {
    const first = err.validation[0];
    const field = first?.instancePath?.slice(1) || first?.params?.missingProperty || "body";
    return reply.code(422).send(errors.validation(field, first?.message ?? "is invalid"));
  }
  if (err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err.code === "FST_ERR_CTP_EMPTY_JSON_BODY") {
    return reply.code(422).send(errors.validation("body", "must be valid JSON"));
  }
  const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
  if (status === 500) app.log.error(err);
  return reply.code(status).send({ error: { code: err.code ?? "internal_error", message: err.message, detail: {} } });
});
app.setNotFoundHandler((request, reply) => {
  reply.code(404).send(errors.routeNotFound(request.url.split("?")[0]));
});

// Heroes: no session machinery at all.
app.get("/heroes/", { schema: { response: { 200: { type: "array", items: heroSchema } } } }, () => roster.list());
app.post(
  "/heroes/",
  {
    // The badge is checked before the body is parsed or validated.
    onRequest: async (request, reply) => {
      if (request.headers["x-hq-badge"] !== BADGE) return reply.code(403).send(errors.villain());
    },
    schema: { body: recruitSchema, response: { 201: heroSchema } },
  },
  async (request, reply) => reply.code(201).send(roster.add(/** @type {any} */ (request.body))),
);
app.get("/heroes/:id", async (request, reply) => {
  const id = parseId(/** @type {{ id: string }} */ (request.params).id);
  if (id === null) return reply.code(422).send(errors.validation("id", "must be a positive integer"));
  const hero = roster.get(id);
  return hero ? hero : reply.code(404).send(errors.heroNotFound(id));
});

// The /me routes live in their own encapsulated plugin, the only one with cookies and sessions.
app.register(
  async (me) => {
    await me.register(fastifyCookie);
    await me.register(fastifySession, {
      secret: SECRET,
      cookieName: COOKIE_NAME,
      ...(store === undefined ? {} : { store }), // connect-redis for "fastify-redis"
      saveUninitialized: false,
      rolling: false,
      cookie: { ...COOKIE_OPTIONS, maxAge: MAX_AGE_SECONDS * 1000 },
    });

    me.get("/", async (request) => {
      const heroId = request.session.get("hero_id");
      if (heroId === undefined) return { identified: false };
      return { identified: true, hero_id: heroId, name: request.session.get("name") };
    });

    me.post("/login", { schema: { body: loginSchema } }, async (request, reply) => {
      const heroId = /** @type {{ hero_id: number }} */ (request.body).hero_id;
      const hero = roster.get(heroId);
      if (hero === undefined) return reply.code(401).send(errors.unknownHero(heroId));
      await request.session.regenerate();
      request.session.set("hero_id", hero.id);
      request.session.set("name", hero.name);
      return { welcome: hero.name };
    });

    me.post("/logout", async (request, reply) => {
      await request.session.destroy();
      reply.clearCookie(COOKIE_NAME, COOKIE_OPTIONS);
      return { farewell: true };
    });
  },
  { prefix: "/me" },
);

const { port, host } = listenAddress();
await app.listen({ port, host });
console.error(`fastify-session listening on http://${host}:${port}`);
