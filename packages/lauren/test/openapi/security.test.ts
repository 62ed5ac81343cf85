/**
 * Security in the document: schemes declared on the app, guards naming the scheme they
 * enforce (class or instance, global or local), controllers and routes adding what a handler
 * checks itself; public operations say `security: []`, and a guard that declares nothing
 * leaves its operations without `security` rather than calling them public.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ConfigurationError,
  controller,
  type ExecutionContext,
  type Guard,
  get,
  LaurenFactory,
  type LaurenOptions,
  module,
  type OpenApiDocument,
  type OpenApiSecurityScheme,
  openApiDocument,
  post,
  useGuards,
} from "../../src/index.js";

class BearerGuard implements Guard {
  static readonly security = "bearer";
  canActivate(_ctx: ExecutionContext): boolean {
    return true;
  }
}

/** Accepts either credential. */
class EitherGuard implements Guard {
  static readonly security = ["apiKey", "bearer"];
  canActivate(_ctx: ExecutionContext): boolean {
    return true;
  }
}

class ScopeGuard implements Guard {
  static readonly security = { oauth: ["orders:write"] };
  canActivate(_ctx: ExecutionContext): boolean {
    return true;
  }
}

/** Enforces no credential (a rate limiter, say): declaring [] keeps its routes public. */
class ThrottleGuard implements Guard {
  static readonly security = [];
  canActivate(_ctx: ExecutionContext): boolean {
    return true;
  }
}

/** Declares nothing: the document cannot tell what it checks. */
class MysteryGuard implements Guard {
  canActivate(_ctx: ExecutionContext): boolean {
    return true;
  }
}

@controller("/vault")
class VaultController {
  @get("/open")
  open() {}

  @get("/bearer")
  @useGuards(BearerGuard)
  bearer() {}

  @get("/either")
  @useGuards(EitherGuard)
  either() {}

  @post("/scoped", { security: { oauth: ["orders:read"] } })
  @useGuards(ScopeGuard, new BearerGuard())
  scoped() {}

  @get("/throttled")
  @useGuards(ThrottleGuard)
  throttled() {}

  @get("/mystery")
  @useGuards(MysteryGuard)
  mystery() {}

  @get("/checked-by-hand", { security: ["session", {}] })
  byHand() {}
}

@controller("/members", { security: "session" })
class MembersController {
  @get("/")
  list() {}

  @get("/either")
  @useGuards(EitherGuard)
  either() {}
}

const SCHEMES: Record<string, OpenApiSecurityScheme> = {
  apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" },
  bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
  basic: { type: "http", scheme: "basic" },
  session: { type: "apiKey", in: "cookie", name: "lauren_session" },
  oauth: {
    type: "oauth2",
    flows: { clientCredentials: { tokenUrl: "https://auth.test/token", scopes: { "orders:read": "Read", "orders:write": "Write" } } },
  },
  oidc: { type: "openIdConnect", openIdConnectUrl: "https://auth.test/.well-known/openid-configuration" },
};

function doc(options: LaurenOptions = {}, controllers: (new () => unknown)[] = [VaultController, MembersController]): OpenApiDocument {
  @module({ controllers })
  class VaultModule {}
  return openApiDocument(LaurenFactory.create(VaultModule, { logger: false, openapiSecuritySchemes: SCHEMES, ...options }));
}

const document = doc();
const security = (path: string, method = "get", d = document) => {
  const operation = d.paths[path]?.[method];
  assert.ok(operation, `${method} ${path} is documented`);
  return operation.security;
};

describe("security in the document", () => {
  test("the app's schemes are listed under components.securitySchemes", () => {
    assert.deepEqual(document.components.securitySchemes, SCHEMES);
  });

  test("a route without guards or declarations is public: security []", () => {
    assert.deepEqual(security("/vault/open"), []);
  });

  test("a guard's scheme is listed on the routes it protects; a list is alternatives", () => {
    assert.deepEqual(security("/vault/bearer"), [{ bearer: [] }]);
    assert.deepEqual(security("/vault/either"), [{ apiKey: [] }, { bearer: [] }]);
  });

  test("guards (class and instance) and the route's own declaration all apply; scopes merge", () => {
    assert.deepEqual(security("/vault/scoped", "post"), [{ oauth: ["orders:write", "orders:read"], bearer: [] }]);
  });

  test("a controller's security is on every route, combined with each route's guards", () => {
    assert.deepEqual(security("/members/"), [{ session: [] }]);
    assert.deepEqual(security("/members/either"), [
      { apiKey: [], session: [] },
      { bearer: [], session: [] },
    ]);
  });

  test("{} as an alternative means the credential is optional", () => {
    assert.deepEqual(security("/vault/checked-by-hand"), [{ session: [] }, {}]);
  });

  test("a guard declaring [] keeps the route public; one declaring nothing leaves security out", () => {
    assert.deepEqual(security("/vault/throttled"), []);
    assert.equal(security("/vault/mystery"), undefined);
    assert.ok(!("security" in (document.paths["/vault/mystery"]?.get ?? {})));
  });

  test("a global guard's scheme is on every route", () => {
    const d = doc({ globalGuards: [BearerGuard] });
    assert.deepEqual(security("/vault/open", "get", d), [{ bearer: [] }]);
    assert.deepEqual(security("/members/", "get", d), [{ bearer: [], session: [] }]);
  });

  test("a scheme no one declared fails at start-up naming the guard and the fix", () => {
    assert.throws(
      () => doc({ openapiSecuritySchemes: { apiKey: SCHEMES.apiKey as OpenApiSecurityScheme }, openapiUrl: "/openapi.json" }),
      (err: unknown) =>
        err instanceof ConfigurationError &&
        /guard BearerGuard \(on GET \/vault\/bearer .*\) names the security scheme "bearer", which openapiSecuritySchemes does not declare/.test(
          err.message,
        ),
    );
  });

  test("a malformed scheme is refused with what it needs", () => {
    const cases: [unknown, RegExp][] = [
      [{ type: "apiKey", in: "header" }, /openapiSecuritySchemes\.bad: an apiKey scheme needs the header, query or cookie name/],
      [{ type: "apiKey", in: "body", name: "k" }, /an apiKey scheme needs in: "header", "query" or "cookie"/],
      [{ type: "http" }, /an http scheme needs scheme: "bearer" or "basic"/],
      [{ type: "oauth2", flows: {} }, /an oauth2 scheme needs at least one flow/],
      [{ type: "openIdConnect" }, /an openIdConnect scheme needs openIdConnectUrl/],
      [{ type: "password" }, /unknown type "password"/],
    ];
    for (const [scheme, pattern] of cases) {
      assert.throws(
        () => doc({ openapiSecuritySchemes: { bad: scheme as OpenApiSecurityScheme } }, []),
        (err: unknown) => err instanceof ConfigurationError && pattern.test(err.message),
        JSON.stringify(scheme),
      );
    }
  });

  test("without schemes, public routes are still marked public and components has no securitySchemes", () => {
    @controller("/plain")
    class Plain {
      @get("/")
      open() {}
    }
    const d = doc({ openapiSecuritySchemes: {} }, [Plain]);
    assert.equal(d.components.securitySchemes, undefined);
    assert.deepEqual(security("/plain/", "get", d), []);
  });
});
