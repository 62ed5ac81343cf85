// Peer "express-session": express 5 + express-session (its MemoryStore), mounted on /me only,
// resave:false and saveUninitialized:false. Express defaults (ETag etc.) are left on.
//   PORT=3003 node bench/peers/express-session.mjs
import express from "express";
import session from "express-session";
import { BADGE, COOKIE_NAME, createRoster, errors, listenAddress, MAX_AGE_SECONDS, parseId, SECRET, validateRecruit } from "./hq.mjs";
import { redisStore } from "./redis-store.mjs";

const roster = createRoster();
const COOKIE_OPTIONS = { path: "/", httpOnly: true, sameSite: "lax", secure: false };

const app = express();
app.disable("x-powered-by");
const json = express.json({ limit: "16kb" });

app.get("/heroes/", (_req, res) => {
  res.json(roster.list());
});
app.post(
  "/heroes/",
  (req, res, next) => (req.get("x-hq-badge") === BADGE ? next() : res.status(403).json(errors.villain())),
  json,
  (req, res) => {
    const checked = validateRecruit(req.body);
    if (!checked.ok) return res.status(422).json(errors.validation(checked.field, checked.problem));
    res.status(201).json(roster.add(checked.value));
  },
);
app.get("/heroes/:id", (req, res) => {
  const id = parseId(req.params.id);
  if (id === null) return res.status(422).json(errors.validation("id", "must be a positive integer"));
  const hero = roster.get(id);
  if (hero === undefined) return res.status(404).json(errors.heroNotFound(id));
  res.json(hero);
});

app.use(
  "/me",
  session({
    name: COOKIE_NAME,
    secret: SECRET,
    store: await redisStore(), // connect-redis for "express-redis"; undefined = MemoryStore
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { ...COOKIE_OPTIONS, maxAge: MAX_AGE_SECONDS * 1000 },
  }),
);

app.get("/me/", (req, res) => {
  const s = /** @type {any} */ (req.session);
  if (s.hero_id === undefined) return res.json({ identified: false });
  res.json({ identified: true, hero_id: s.hero_id, name: s.name });
});

app.post("/me/login", json, (req, res, next) => {
  const heroId = req.body?.hero_id;
  if (!Number.isSafeInteger(heroId)) return res.status(422).json(errors.validation("hero_id", "must be an integer"));
  const hero = roster.get(heroId);
  if (hero === undefined) return res.status(401).json(errors.unknownHero(heroId));
  req.session.regenerate((err) => {
    if (err) return next(err);
    const s = /** @type {any} */ (req.session);
    s.hero_id = hero.id;
    s.name = hero.name;
    res.json({ welcome: hero.name });
  });
});

app.post("/me/logout", (req, res, next) => {
  req.session.destroy((err) => {
    if (err) return next(err);
    res.clearCookie(COOKIE_NAME, COOKIE_OPTIONS);
    res.json({ farewell: true });
  });
});

app.use((req, res) => {
  res.status(404).json(errors.routeNotFound(req.path));
});
// Four arguments make this express's error handler.
app.use(
  (
    /** @type {any} */ err,
    /** @type {express.Request} */ _req,
    /** @type {express.Response} */ res,
    /** @type {express.NextFunction} */ _next,
  ) => {
    if (err?.type === "entity.parse.failed") return res.status(422).json(errors.validation("body", "must be valid JSON"));
    const status = err?.status && err.status < 500 ? err.status : 500;
    if (status === 500) console.error(err);
    res.status(status).json({ error: { code: "http_error", message: String(err?.message ?? err), detail: {} } });
  },
);

const { port, host } = listenAddress();
app.listen(port, host, () => console.error(`express-session listening on http://${host}:${port}`));
