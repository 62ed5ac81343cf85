// Peer "nestjs": the Hero HQ routes on NestJS 11 (platform-express) with express-session on the
// /me routes, for the start-up comparison. Plain JavaScript: the decorators are applied with
// Reflect.decorate and injection tokens are named, so no TypeScript build step is needed.
//   PORT=3009 node bench/peers/nestjs.mjs
import "reflect-metadata";
import { Body, Controller, Get, Headers, Inject, Injectable, Module, Param, Post, Req, Res } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import session from "express-session";
import { BADGE, COOKIE_NAME, createRoster, errors, listenAddress, MAX_AGE_SECONDS, parseId, SECRET, validateRecruit } from "./hq.mjs";

/** Applies method decorators the way TypeScript's emitted code does. */
function decorateMethod(/** @type {any} */ cls, /** @type {string} */ key, /** @type {any[]} */ decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, key);
  Object.defineProperty(
    cls.prototype,
    key,
    /** @type {PropertyDescriptor} */ (Reflect.decorate(decorators, cls.prototype, key, descriptor)),
  );
}
/** Applies parameter decorators: `params[i]` decorates argument i of `key`. */
function decorateParams(/** @type {any} */ cls, /** @type {string} */ key, /** @type {any[]} */ params) {
  params.forEach((decorator, index) => {
    decorator(cls.prototype, key, index);
  });
}

class Roster {
  constructor() {
    Object.assign(this, createRoster());
  }
}
Reflect.decorate([Injectable()], Roster);

class HeroesController {
  constructor(/** @type {any} */ roster) {
    this.roster = roster;
  }
  list() {
    return this.roster.list();
  }
  one(/** @type {string} */ id, /** @type {any} */ res) {
    const n = parseId(id);
    if (n === null) return res.status(422) && errors.validation("id", "must be a positive integer");
    return this.roster.get(n) ?? (res.status(404) && errors.heroNotFound(n));
  }
  recruit(/** @type {string} */ badge, /** @type {unknown} */ body, /** @type {any} */ res) {
    if (badge !== BADGE) return res.status(403) && errors.villain();
    const checked = validateRecruit(body);
    if (!checked.ok) return res.status(422) && errors.validation(checked.field, checked.problem);
    res.status(201);
    return this.roster.add(checked.value);
  }
}
Inject(Roster)(HeroesController, undefined, 0);
decorateMethod(HeroesController, "list", [Get()]);
decorateMethod(HeroesController, "one", [Get(":id")]);
decorateParams(HeroesController, "one", [Param("id"), Res({ passthrough: true })]);
decorateMethod(HeroesController, "recruit", [Post()]);
decorateParams(HeroesController, "recruit", [Headers("x-hq-badge"), Body(), Res({ passthrough: true })]);
Reflect.decorate([Controller("heroes")], HeroesController);

class MeController {
  constructor(/** @type {any} */ roster) {
    this.roster = roster;
  }
  me(/** @type {any} */ req) {
    const s = req.session;
    return s.hero_id === undefined ? { identified: false } : { identified: true, hero_id: s.hero_id, name: s.name };
  }
  login(/** @type {any} */ req, /** @type {any} */ body, /** @type {any} */ res) {
    const hero = this.roster.get(body?.hero_id);
    if (hero === undefined) return res.status(401) && errors.unknownHero(body?.hero_id);
    return new Promise((resolve, reject) =>
      req.session.regenerate((/** @type {unknown} */ err) => {
        if (err) return reject(err);
        req.session.hero_id = hero.id;
        req.session.name = hero.name;
        res.status(200);
        resolve({ welcome: hero.name });
      }),
    );
  }
}
Inject(Roster)(MeController, undefined, 0);
decorateMethod(MeController, "me", [Get()]);
decorateParams(MeController, "me", [Req()]);
decorateMethod(MeController, "login", [Post("login")]);
decorateParams(MeController, "login", [Req(), Body(), Res({ passthrough: true })]);
Reflect.decorate([Controller("me")], MeController);

class AppModule {}
Reflect.decorate([Module({ controllers: [HeroesController, MeController], providers: [Roster] })], AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
app.use(
  "/me",
  session({
    secret: SECRET,
    name: COOKIE_NAME,
    resave: false,
    saveUninitialized: false,
    cookie: { path: "/", httpOnly: true, sameSite: "lax", secure: false, maxAge: MAX_AGE_SECONDS * 1000 },
  }),
);
const { port, host } = listenAddress();
await app.listen(port, host);
