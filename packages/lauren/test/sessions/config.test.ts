import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StartupError } from "../../src/errors/index.js";
import {
  InMemoryRevocationStore,
  SessionConfigError,
  SessionEngine,
  type SessionOptions,
  type SessionStore,
  sessionsDisabledError,
} from "../../src/sessions/index.js";
import { MemoryLogger, request, SECRET } from "./helpers.js";

const GENERATOR = `node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`;

function create(options: Partial<SessionOptions> | Record<string, unknown>): SessionEngine {
  return SessionEngine.create({ secret: SECRET, ...options } as SessionOptions, new MemoryLogger());
}

function refuses(options: Partial<SessionOptions> | Record<string, unknown>, message: RegExp): void {
  assert.throws(
    () => create(options),
    (error: unknown) => {
      assert.ok(error instanceof SessionConfigError, `expected a SessionConfigError, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

async function setCookieOf(options: Partial<SessionOptions>): Promise<string | null> {
  const engine = create(options);
  return (await request(engine, null, (s) => s.set("k", 1))).setCookie;
}

describe("start-up validation (SESSIONS.md §2)", () => {
  test("a SessionConfigError is a StartupError", () => {
    assert.ok(new SessionConfigError("x") instanceof StartupError);
  });

  describe("rule 1: secrets", () => {
    test("a missing secret is refused with the command that generates one", () => {
      refuses({ secret: undefined }, /secret is required/);
      refuses({ secret: undefined }, new RegExp(GENERATOR.replace(/[().'"]/g, "\\$&")));
    });

    test("an empty secret or an empty rotation list is refused", () => {
      refuses({ secret: "" }, /is 0 bytes/);
      refuses({ secret: [] }, /secret is required/);
    });

    test("a secret shorter than 32 bytes is refused, showing how to generate one", () => {
      refuses(
        { secret: "x".repeat(31) },
        /sessions\.secret is 31 bytes; every secret must be at least 32 random bytes\. Generate one with: node -e/,
      );
    });

    test("a short secret anywhere in the rotation list is refused, naming its position", () => {
      refuses({ secret: [SECRET, "short"] }, /sessions\.secret\[1\] is 5 bytes/);
      refuses({ secret: [SECRET, ""] }, /sessions\.secret\[1\] is 0 bytes/);
    });

    test("the length is counted in bytes, so 16 two-byte characters are enough", () => {
      assert.doesNotThrow(() => create({ secret: "éàüöçñøåß€ŁŚŻĆłśż".slice(0, 16) }));
      assert.doesNotThrow(() => create({ secret: Buffer.from(Array.from({ length: 32 }, (_, i) => i)) }));
      refuses({ secret: Buffer.alloc(31, 1) }, /31 bytes/);
    });

    test("a secret of too few distinct bytes is refused, however long", () => {
      refuses({ secret: " ".repeat(32) }, /sessions\.secret has only 1 distinct byte value\(s\).*Generate one with: node -e/);
      refuses({ secret: "abcd".repeat(16) }, /only 4 distinct/);
      refuses({ secret: [SECRET, Buffer.alloc(64, 7)] }, /sessions\.secret\[1\] has only 1 distinct/);
      refuses({ secret: "é".repeat(16) }, /only 2 distinct/);
    });

    test("a published example secret is refused, also in another case or with spaces around it", () => {
      for (const secret of ["change-me-hero-hq-secret-please-32-bytes", " Change-Me-To-A-Long-Random-Secret-Value\n"]) {
        refuses(
          { secret },
          /sessions\.secret is a published example secret: anyone could sign session cookies with it\. Generate one with/,
        );
      }
    });

    test("a secret that is neither a string nor a Buffer is refused", () => {
      refuses({ secret: 12345 }, /must be a string or a Buffer/);
    });
  });

  describe("rule 2: SameSite", () => {
    test("lax, strict and none are accepted in any case and written canonically", async () => {
      assert.match((await setCookieOf({ sameSite: "STRICT" })) as string, /; SameSite=Strict$/);
      assert.match((await setCookieOf({ sameSite: "None", secure: true })) as string, /; Secure; HttpOnly; SameSite=None$/);
      assert.match((await setCookieOf({ sameSite: "lax" })) as string, /; SameSite=Lax$/);
    });

    test("any other SameSite value is refused", () => {
      refuses({ sameSite: "relaxed" }, /sameSite must be "lax", "strict" or "none"/);
    });

    test("SameSite=None without secure is refused", () => {
      refuses({ sameSite: "none", secure: false }, /requires secure: true/);
    });
  });

  describe("rule 3: cookie-name prefixes", () => {
    test("a __Host- cookie requires secure, path / and no domain", () => {
      refuses({ cookieName: "__Host-s", secure: false }, /"__Host-" cookie \(__Host-s\) requires secure: true, path: "\/" and no domain/);
      refuses({ cookieName: "__Host-s", path: "/app" }, /__Host-/);
      refuses({ cookieName: "__Host-s", domain: "example.com" }, /__Host-/);
      assert.doesNotThrow(() => create({ cookieName: "__Host-s" }));
    });

    test("a __Secure- cookie requires secure", () => {
      refuses({ cookieName: "__Secure-s", secure: false }, /"__Secure-" cookie \(__Secure-s\) requires secure: true/);
      assert.doesNotThrow(() => create({ cookieName: "__Secure-s", domain: "example.com" }));
    });
  });

  describe("rule 4: cookie name, path and domain cannot break the header", () => {
    test("a cookie name that is not an RFC 6265 token is refused", () => {
      for (const name of ["", "my session", "a=b", "a;b", 'a"b', "sé", "a\tb", "a(b)"]) {
        refuses({ cookieName: name }, /cookieName must be an RFC 6265 token/);
      }
    });

    test("a path or domain with ';', CR, LF or another control character is refused", () => {
      for (const bad of ["/a;b", "/a\r\nSet-Cookie: x=1", "/a\u0000", "/a b", "/\u007f"]) {
        refuses({ path: bad }, /sessions\.path must be non-empty visible ASCII without ";"/);
      }
      for (const bad of ["example.com; Secure", "exa\nmple.com", "", "exämple.com"]) {
        refuses({ domain: bad }, /sessions\.domain must be non-empty visible ASCII/);
      }
    });

    test("a path must start with a slash", () => {
      refuses({ path: "app" }, /sessions\.path must start with "\/"/);
    });
  });

  describe("rule 5: lifetimes", () => {
    test("maxAge and idleTimeout must be positive whole seconds", () => {
      for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "60"]) {
        refuses({ maxAge: bad }, /sessions\.maxAge must be a positive whole number of seconds, or null/);
        refuses({ idleTimeout: bad }, /sessions\.idleTimeout must be a positive whole number of seconds, or null/);
      }
    });

    test("null turns a lifetime off", async () => {
      const setCookie = await setCookieOf({ maxAge: null, idleTimeout: null });
      assert.ok(setCookie !== null && !setCookie.includes("Max-Age"));
    });
  });

  describe("rule 6: revocation", () => {
    test("a revocation store without any finite lifetime is refused", () => {
      refuses(
        { revocationStore: new InMemoryRevocationStore(), maxAge: null },
        /needs a finite session lifetime.*set maxAge or idleTimeout/,
      );
    });

    test("a revocation store with only an idle timeout is accepted", () => {
      assert.doesNotThrow(() => create({ revocationStore: new InMemoryRevocationStore(), maxAge: null, idleTimeout: 600 }));
    });

    test("an empty userIdKey is refused when revocation is on", () => {
      refuses({ revocationStore: new InMemoryRevocationStore(), userIdKey: "" }, /userIdKey must be a non-empty string/);
    });
  });

  test("an unknown option (a typo) is refused, listing the real ones", () => {
    refuses({ maxage: 60 }, /unknown sessions option "maxage"; the options are: secret, store, cookieName, maxAge/);
  });

  test("a boolean option given as a string is refused", () => {
    refuses({ secure: "false" }, /sessions\.secure must be true or false/);
  });

  test("a store that lacks a SessionStore method is refused", () => {
    const store = { newId: () => "x", load: async () => null, save: async () => {} } as unknown as SessionStore;
    refuses({ store }, /sessions\.store must implement SessionStore: delete\(\) is missing/);
  });

  test("the defaults are secure: 14-day Max-Age, Path=/, Secure, HttpOnly, SameSite=Lax", async () => {
    const engine = SessionEngine.create({ secret: SECRET }, new MemoryLogger());
    assert.equal(engine.cookieName, "lauren_session");
    const { setCookie } = await request(engine, null, (s) => s.set("k", 1));
    assert.match(setCookie as string, /^lauren_session=[\w-]{43}\.[0-9a-f]{64}; Max-Age=1209600; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
  });

  test("reading the session of an app without sessions names the route and the fix", () => {
    const error = sessionsDisabledError("GET /me");
    assert.ok(error instanceof SessionConfigError);
    assert.match(
      error.message,
      /^GET \/me reads ctx\.session, but sessions are off\. Enable them with LaurenFactory\.create\(Root, \{ sessions: \{ secret \} \}\)/,
    );
  });
});
