/**
 * SESSIONS.md §1–2 through the app: without `sessions` no request does session work, reading
 * `ctx.session` there (or on an opted-out route) is a logged 500 that names the route and
 * the fix, and every unsafe option is refused by `LaurenFactory.create()`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Ctx,
  controller,
  type ExecutionContext,
  get,
  InMemoryRevocationStore,
  LaurenFactory,
  module,
  post,
  SessionConfigError,
  type SessionOptions,
  StartupError,
  useGuards,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { MemoryLogger, SECRET } from "./helpers.js";

const INTERNAL = { error: { code: "internal_error", message: "internal server error", detail: { type: "SessionConfigError" } } };

class PeekGuard {
  canActivate(ctx: ExecutionContext): boolean {
    return !ctx.session.has("banned");
  }
}

@controller("/desk")
class DeskController {
  @get("/open")
  open() {
    return { ok: true };
  }

  @post("/remember")
  remember({ session }: Ctx) {
    session.set("seen", true);
    return { ok: true };
  }

  @get("/health", { sessions: false })
  health({ session }: Ctx) {
    return { isNew: session.isNew };
  }

  @get("/guarded")
  @useGuards(PeekGuard)
  guarded() {
    return { ok: true };
  }
}

@controller("/public", { sessions: false })
class PublicController {
  @get("/peek")
  peek({ session }: Ctx) {
    return { size: session.size };
  }

  @get("/plain")
  plain() {
    return { plain: true };
  }
}

@module({ controllers: [DeskController, PublicController] })
class DeskModule {}

function loggedError(logger: MemoryLogger): string {
  const entry = logger.errors().at(-1);
  assert.ok(entry !== undefined, "the error is logged");
  const error = entry.fields?.error;
  assert.ok(error instanceof SessionConfigError, "the logged error is the SessionConfigError");
  return `${entry.message}\n${error.message}`;
}

describe("sessions off", () => {
  test("without the sessions option no response carries a cookie and ctx.session is a logged 500 naming the route and the fix", async () => {
    const logger = new MemoryLogger();
    const client = new TestClient(LaurenFactory.create(DeskModule, { logger }));

    const open = await client.get("/desk/open");
    assert.equal(open.status, 200);
    assert.equal(open.headers["set-cookie"], undefined);

    const remember = await client.post("/desk/remember", { cookies: { lauren_session: "anything.at-all" } });
    assert.equal(remember.status, 500);
    assert.equal(remember.text, JSON.stringify(INTERNAL));
    assert.equal(remember.headers["set-cookie"], undefined);
    const logged = loggedError(logger);
    assert.match(logged, /POST \/desk\/remember \(DeskController\.remember\)/);
    assert.match(logged, /sessions are off: pass sessions: \{ secret \} to LaurenFactory\.create\(\)/);
  });

  test("a guard reading the session of an app without sessions gets the same logged 500", async () => {
    const logger = new MemoryLogger();
    const res = await new TestClient(LaurenFactory.create(DeskModule, { logger })).get("/desk/guarded");
    assert.equal(res.status, 500);
    assert.deepEqual(res.json(), INTERNAL);
    assert.match(loggedError(logger), /GET \/desk\/guarded \(DeskController\.guarded\) reads ctx\.session, but sessions are off/);
  });

  test("a route that opts out with { sessions: false } gets a 500 that says to remove the option", async () => {
    const logger = new MemoryLogger();
    const client = new TestClient(LaurenFactory.create(DeskModule, { logger, sessions: { secret: SECRET } }));
    const res = await client.get("/desk/health");
    assert.equal(res.status, 500);
    assert.deepEqual(res.json(), INTERNAL);
    const logged = loggedError(logger);
    assert.match(logged, /GET \/desk\/health \(DeskController\.health\)/);
    assert.match(logged, /opts out of sessions \(\{ sessions: false \}\): remove that option/);
  });

  test("a controller-wide opt-out covers each of its routes, while routes not reading the session still work", async () => {
    const logger = new MemoryLogger();
    const client = new TestClient(LaurenFactory.create(DeskModule, { logger, sessions: { secret: SECRET } }));
    assert.deepEqual((await client.get("/public/plain")).json(), { plain: true });
    const peek = await client.get("/public/peek");
    assert.equal(peek.status, 500);
    assert.match(loggedError(logger), /GET \/public\/peek \(PublicController\.peek\)/);
    // With sessions on, the other controller's routes do have a session.
    const remember = await client.post("/desk/remember");
    assert.equal(remember.status, 200);
    assert.ok(remember.cookie("lauren_session") !== undefined);
  });
});

/** `create()` with these session options must throw a SessionConfigError matching `message`. */
const REFUSED: ReadonlyArray<[string, unknown, RegExp]> = [
  // 1. secrets
  ["a missing secret", {}, /secret is required.*randomBytes\(32\)/],
  ["an empty secret", { secret: "" }, /0 bytes.*at least 32.*randomBytes\(32\)/],
  ["an empty list of secrets", { secret: [] }, /secret is required/],
  ["a short secret", { secret: "hunter2" }, /7 bytes; every secret must be at least 32.*Generate one with/],
  ["a short Buffer secret", { secret: Buffer.alloc(31, 1) }, /31 bytes/],
  ["a short secret among long ones", { secret: [SECRET, "short"] }, /secret\[1\] is 5 bytes/],
  ["a secret that is not a string or Buffer", { secret: 1234 }, /string or a Buffer/],
  // 2. SameSite
  ["an unknown sameSite", { secret: SECRET, sameSite: "loose" }, /sameSite must be "lax", "strict" or "none"/],
  ["sameSite none without secure", { secret: SECRET, sameSite: "None", secure: false }, /"none" requires secure: true/],
  // 3. cookie prefixes
  [
    "__Host- without secure",
    { secret: SECRET, cookieName: "__Host-sid", secure: false },
    /"__Host-" cookie .*requires secure: true, path: "\/" and no domain/,
  ],
  ["__Host- with a path", { secret: SECRET, cookieName: "__Host-sid", path: "/app" }, /"__Host-"/],
  ["__Host- with a domain", { secret: SECRET, cookieName: "__Host-sid", domain: "example.com" }, /"__Host-"/],
  ["__Secure- without secure", { secret: SECRET, cookieName: "__Secure-sid", secure: false }, /"__Secure-" cookie .*requires secure: true/],
  // 4. header injection
  ["a cookie name with a space", { secret: SECRET, cookieName: "my session" }, /RFC 6265 token/],
  ["a cookie name with =", { secret: SECRET, cookieName: "a=b" }, /RFC 6265 token/],
  ["an empty cookie name", { secret: SECRET, cookieName: "" }, /RFC 6265 token/],
  ["a path with ;", { secret: SECRET, path: "/a;b" }, /sessions\.path must be .*without ";"/],
  ["a path with CR LF", { secret: SECRET, path: "/a\r\nSet-Cookie: admin=1" }, /sessions\.path .*control characters/],
  ["a domain with ;", { secret: SECRET, domain: "example.com; Secure" }, /sessions\.domain/],
  ["a domain with NUL", { secret: SECRET, domain: "exam\u0000ple.com" }, /sessions\.domain/],
  // 5. lifetimes
  ["maxAge 0", { secret: SECRET, maxAge: 0 }, /maxAge must be a positive whole number of seconds, or null/],
  ["a negative maxAge", { secret: SECRET, maxAge: -60 }, /maxAge/],
  ["a fractional maxAge", { secret: SECRET, maxAge: 1.5 }, /maxAge/],
  ["maxAge as a string", { secret: SECRET, maxAge: "3600" }, /maxAge/],
  ["an infinite maxAge", { secret: SECRET, maxAge: Number.POSITIVE_INFINITY }, /maxAge/],
  ["idleTimeout 0", { secret: SECRET, idleTimeout: 0 }, /idleTimeout must be a positive whole number/],
  ["a fractional idleTimeout", { secret: SECRET, idleTimeout: 0.5 }, /idleTimeout/],
  // 6. revocation
  [
    "revocation without any lifetime",
    { secret: SECRET, revocationStore: new InMemoryRevocationStore(), maxAge: null, idleTimeout: null },
    /revocationStore needs a finite session lifetime .*; set maxAge or idleTimeout/,
  ],
  [
    "revocation with an empty userIdKey",
    { secret: SECRET, revocationStore: new InMemoryRevocationStore(), userIdKey: "" },
    /userIdKey must be a non-empty string/,
  ],
  // and a typo is not silently ignored
  ["a misspelt option", { secret: SECRET, maxage: 60 }, /unknown sessions option "maxage"/],
];

describe("start-up validation", () => {
  for (const [what, options, message] of REFUSED) {
    test(`create() refuses ${what} with a SessionConfigError`, () => {
      assert.throws(
        () => LaurenFactory.create(DeskModule, { logger: false, sessions: options as SessionOptions }),
        (error: unknown) => {
          assert.ok(error instanceof SessionConfigError, `expected a SessionConfigError, got ${String(error)}`);
          assert.ok(error instanceof StartupError);
          assert.equal(error.name, "SessionConfigError");
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  test("safe configurations at the edges of each rule are accepted and serve requests", async () => {
    const accepted: SessionOptions[] = [
      { secret: "abcdefgh".repeat(4) },
      { secret: Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7)) },
      { secret: [SECRET, Buffer.from(Array.from({ length: 40 }, (_, i) => i))] },
      { secret: SECRET, sameSite: "NONE" },
      { secret: SECRET, sameSite: "Strict", secure: false },
      { secret: SECRET, cookieName: "__Host-sid" },
      { secret: SECRET, cookieName: "__Secure-sid", path: "/app", domain: "example.com" },
      { secret: SECRET, cookieName: "sid!#$%&'*+-.^_`|~" },
      { secret: SECRET, maxAge: null },
      { secret: SECRET, maxAge: 1, idleTimeout: 1 },
      { secret: SECRET, revocationStore: new InMemoryRevocationStore(), maxAge: null, idleTimeout: 60, userIdKey: "uid" },
    ];
    for (const sessions of accepted) {
      const app = LaurenFactory.create(DeskModule, { logger: false, sessions });
      const res = await new TestClient(app).post("/desk/remember");
      assert.equal(res.status, 200, `serves with ${JSON.stringify(sessions)}`);
      assert.equal(res.cookies.length, 1);
      await app.shutdown();
    }
  });
});
