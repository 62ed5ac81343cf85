/**
 * Cross-origin request protection (on by default with sessions): unsafe requests to
 * session routes that a browser sent from another origin are refused 403 before the
 * session is touched; safe methods, same-origin requests and non-browser clients pass.
 * Plus the opt-in synchronizer token, bound to the session.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CrossOriginRequestError,
  CsrfTokenError,
  type Ctx,
  controller,
  get,
  LaurenFactory,
  module,
  post,
  SessionConfigError,
  type SessionOptions,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { CountingStore, SECRET } from "./helpers.js";

@controller("/account")
class AccountController {
  @post("/login")
  login({ session }: Ctx) {
    session.regenerateId();
    session.set("user_id", 7);
    return { ok: true };
  }

  @get("/me")
  me({ session }: Ctx) {
    return { user: session.get("user_id") ?? null };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return { farewell: true };
  }

  @get("/token")
  token({ session }: Ctx) {
    return { token: session.csrfToken() };
  }

  @post("/webhook", { crossOrigin: false })
  webhook() {
    return { received: true };
  }

  @post("/ping", { sessions: false })
  ping() {
    return { pong: true };
  }
}

@controller("/public", { crossOrigin: false })
class PublicController {
  @post("/vote")
  vote({ session }: Ctx) {
    session.set("voted", true);
    return { voted: true };
  }
}

@module({ controllers: [AccountController, PublicController] })
class AppModule {}

function setup(sessions: Partial<SessionOptions> = {}) {
  const store = new CountingStore();
  const app = LaurenFactory.create(AppModule, { logger: false, sessions: { secret: SECRET, store, ...sessions } });
  return { store, client: new TestClient(app) };
}

async function loggedIn(client: TestClient): Promise<string> {
  const res = await client.post("/account/login");
  const cookie = res.cookie("lauren_session")?.value;
  assert.ok(cookie !== undefined);
  return cookie;
}

const EVIL = "https://evil.example";

describe("cross-origin protection, on by default", () => {
  test("a cross-site form post to logout is 403 cross_origin_request and the session survives", async () => {
    const { client, store } = setup();
    const cookie = await loggedIn(client);
    const loadsBefore = store.loads;
    const res = await client.post("/account/logout", { cookies: { lauren_session: cookie }, headers: { origin: EVIL } });
    assert.equal(res.status, 403);
    const body = res.json();
    assert.equal(body.error.code, "cross_origin_request");
    assert.match(body.error.message, /another site/);
    assert.deepEqual(body.error.detail, { origin: EVIL, sec_fetch_site: null });
    assert.equal(res.headers["set-cookie"], undefined);
    assert.equal(store.loads, loadsBefore, "refused before the session is loaded");
    const me = await client.get("/account/me", { cookies: { lauren_session: cookie } });
    assert.deepEqual(me.json(), { user: 7 });
  });

  test("Sec-Fetch-Site: cross-site is refused even without Origin; same-site too", async () => {
    const { client } = setup();
    const cookie = await loggedIn(client);
    for (const site of ["cross-site", "same-site"]) {
      const res = await client.post("/account/logout", { cookies: { lauren_session: cookie }, headers: { "sec-fetch-site": site } });
      assert.equal(res.status, 403, site);
      assert.deepEqual(res.json().error.detail, { origin: null, sec_fetch_site: site });
    }
    assert.deepEqual((await client.get("/account/me", { cookies: { lauren_session: cookie } })).json(), { user: 7 });
  });

  test("Sec-Fetch-Site same-origin or none passes (and wins over a mismatching Origin)", async () => {
    const { client } = setup();
    for (const site of ["same-origin", "none"]) {
      const cookie = await loggedIn(client);
      const res = await client.post("/account/logout", {
        cookies: { lauren_session: cookie },
        headers: { "sec-fetch-site": site, origin: "https://proxy-rewrote-me.example" },
      });
      assert.equal(res.status, 200, site);
      assert.deepEqual(res.json(), { farewell: true });
    }
  });

  test("no Origin and no Sec-Fetch-Site (curl, a server) passes", async () => {
    const { client } = setup();
    const cookie = await loggedIn(client);
    const res = await client.post("/account/logout", { cookies: { lauren_session: cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.cookie("lauren_session")?.maxAge, 0);
  });

  test("the app's own origin (Origin host equals Host) passes, default ports ignored", async () => {
    const { client } = setup();
    const cases: Array<[string, string]> = [
      ["http://hq.example:8000", "hq.example:8000"],
      ["https://HQ.example", "hq.example"],
      ["https://hq.example:443", "hq.example"],
      ["http://hq.example", "hq.example:80"],
    ];
    for (const [origin, host] of cases) {
      const cookie = await loggedIn(client);
      const res = await client.post("/account/logout", { cookies: { lauren_session: cookie }, headers: { origin, host } });
      assert.equal(res.status, 200, `${origin} vs Host ${host}`);
    }
  });

  test("another port, another host, a sibling subdomain and Origin: null are other origins", async () => {
    const { client } = setup();
    const cookie = await loggedIn(client);
    for (const origin of ["http://hq.example:8001", "http://evil.hq.example:8000", "http://example:8000", "null", "garbage"]) {
      const res = await client.post("/account/logout", {
        cookies: { lauren_session: cookie },
        headers: { origin, host: "hq.example:8000" },
      });
      assert.equal(res.status, 403, origin);
    }
  });

  test("safe methods are never checked", async () => {
    const { client } = setup();
    const cookie = await loggedIn(client);
    const res = await client.get("/account/me", {
      cookies: { lauren_session: cookie },
      headers: { origin: EVIL, "sec-fetch-site": "cross-site" },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { user: 7 });
  });

  test("a login from another site is refused too (login CSRF)", async () => {
    const { client } = setup();
    const res = await client.post("/account/login", { headers: { origin: EVIL } });
    assert.equal(res.status, 403);
    assert.equal(res.headers["set-cookie"], undefined);
  });

  test("trustedOrigins admits listed origins, by Origin and with Sec-Fetch-Site", async () => {
    const { client } = setup({ crossOrigin: { trustedOrigins: ["https://admin.example", "http://localhost:5173/"] } });
    for (const headers of [
      { origin: "https://admin.example" },
      { origin: "https://ADMIN.example:443", "sec-fetch-site": "cross-site" },
      { origin: "http://localhost:5173", "sec-fetch-site": "same-site" },
    ]) {
      const cookie = await loggedIn(client);
      const res = await client.post("/account/logout", { cookies: { lauren_session: cookie }, headers });
      assert.equal(res.status, 200, JSON.stringify(headers));
    }
    const refused = await client.post("/account/logout", { headers: { origin: "https://admin.example.evil" } });
    assert.equal(refused.status, 403);
  });

  test("opt-outs: per route, per controller, routes without sessions, and the whole app", async () => {
    const { client } = setup();
    const headers = { origin: EVIL, "sec-fetch-site": "cross-site" };
    assert.equal((await client.post("/account/webhook", { headers })).status, 200);
    assert.equal((await client.post("/account/ping", { headers })).status, 200);
    assert.equal((await client.post("/public/vote", { headers })).status, 200);
    const off = setup({ crossOrigin: false });
    const cookie = await loggedIn(off.client);
    assert.equal((await off.client.post("/account/logout", { headers, cookies: { lauren_session: cookie } })).status, 200);
  });

  test("the errors are exported with their status and code", () => {
    assert.equal(CrossOriginRequestError.status, 403);
    assert.equal(CrossOriginRequestError.code, "cross_origin_request");
    assert.equal(CsrfTokenError.status, 403);
    assert.equal(CsrfTokenError.code, "csrf_token_invalid");
  });
});

describe("cross-origin options are validated at start-up", () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ trustedOrigins: ["https://ok.example/path"] }, /not an origin.*scheme:\/\/host/],
    [{ trustedOrigins: ["admin.example"] }, /not an origin/],
    [{ trustedOrigins: "https://admin.example" }, /must be an array/],
    [{ trustedOrigins: [42] }, /not an origin/],
    [{ trustOrigins: [] }, /unknown sessions.crossOrigin option "trustOrigins"/],
    [{ token: { header: "bad header" } }, /token.header must be a header name/],
    [{ token: { field: "" } }, /token.field must be a non-empty/],
    ["yes", /must be false \(off\), true or/],
  ];
  for (const [crossOrigin, message] of bad) {
    test(`refuses ${JSON.stringify(crossOrigin)}`, () => {
      assert.throws(
        () => LaurenFactory.create(AppModule, { logger: false, sessions: { secret: SECRET, crossOrigin: crossOrigin as never } }),
        (error: unknown) => error instanceof SessionConfigError && message.test(error.message),
      );
    });
  }
});

describe("the synchronizer token (opt-in)", () => {
  async function tokenOf(client: TestClient, cookie?: string): Promise<{ cookie: string; token: string }> {
    const res = await client.get("/account/token", cookie === undefined ? {} : { cookies: { lauren_session: cookie } });
    const token = res.json().token as string;
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    return { cookie: cookie ?? (res.cookie("lauren_session")?.value as string), token };
  }

  /** Logging in needs a token too: the page that shows the login form got one for the anonymous session. */
  async function withToken(client: TestClient, header = "x-csrf-token"): Promise<{ cookie: string; token: string }> {
    const before = await tokenOf(client);
    const res = await client.post("/account/login", { cookies: { lauren_session: before.cookie }, headers: { [header]: before.token } });
    assert.equal(res.status, 200);
    return tokenOf(client, res.cookie("lauren_session")?.value as string);
  }

  test("is off by default: a same-origin post needs no token", async () => {
    const { client } = setup();
    const cookie = await loggedIn(client);
    assert.equal((await client.post("/account/logout", { cookies: { lauren_session: cookie } })).status, 200);
  });

  test("with token: true, an unsafe request without the token is 403 csrf_token_invalid", async () => {
    const { client } = setup({ crossOrigin: { token: true } });
    const { cookie } = await withToken(client);
    const res = await client.post("/account/logout", { cookies: { lauren_session: cookie } });
    assert.equal(res.status, 403);
    assert.equal(res.json().error.code, "csrf_token_invalid");
    assert.deepEqual(res.json().error.detail, { header: "x-csrf-token", field: "_csrf" });
    assert.equal(res.headers["set-cookie"], undefined);
  });

  test("the token is stable within the session and accepted from the header", async () => {
    const { client } = setup({ crossOrigin: { token: true } });
    const { cookie, token } = await withToken(client);
    const again = await client.get("/account/token", { cookies: { lauren_session: cookie } });
    assert.equal(again.json().token, token);
    const wrong = await client.post("/account/logout", {
      cookies: { lauren_session: cookie },
      headers: { "x-csrf-token": `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}` },
    });
    assert.equal(wrong.status, 403);
    assert.match(wrong.json().error.message, /invalid CSRF token in the x-csrf-token header/);
    const ok = await client.post("/account/logout", { cookies: { lauren_session: cookie }, headers: { "x-csrf-token": token } });
    assert.equal(ok.status, 200);
  });

  test("the token is accepted from a urlencoded form field, and a custom header name works", async () => {
    const { client } = setup({ crossOrigin: { token: { header: "X-Token", field: "authenticity" } } });
    const { cookie, token } = await withToken(client, "x-token");
    const viaHeader = await client.post("/account/webhook", { cookies: { lauren_session: cookie } });
    assert.equal(viaHeader.status, 200, "opted-out routes skip the token too");
    const form = await client.post("/account/logout", {
      cookies: { lauren_session: cookie },
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `other=1&authenticity=${encodeURIComponent(token)}`,
    });
    assert.equal(form.status, 200);
    const { cookie: second, token: secondToken } = await withToken(client, "x-token");
    const header = await client.post("/account/logout", { cookies: { lauren_session: second }, headers: { "x-token": secondToken } });
    assert.equal(header.status, 200);
  });

  test("a session without a token, or another session's token, is refused", async () => {
    const { client } = setup({ crossOrigin: { token: true } });
    const a = await withToken(client);
    const b = await withToken(client);
    const res = await client.post("/account/logout", { cookies: { lauren_session: b.cookie }, headers: { "x-csrf-token": a.token } });
    assert.equal(res.status, 403);
    const anonymous = await client.post("/account/logout", { headers: { "x-csrf-token": a.token } });
    assert.equal(anonymous.status, 403);
    const withoutCookie = await client.post("/account/login");
    assert.equal(withoutCookie.json().error.code, "csrf_token_invalid", "login needs the token too");
  });

  test("regenerateId() rotates the token", async () => {
    const { client } = setup({ crossOrigin: { token: true } });
    const { cookie, token } = await withToken(client);
    const relogin = await client.post("/account/login", { cookies: { lauren_session: cookie }, headers: { "x-csrf-token": token } });
    assert.equal(relogin.status, 200);
    const fresh = relogin.cookie("lauren_session")?.value as string;
    const stale = await client.post("/account/logout", { cookies: { lauren_session: fresh }, headers: { "x-csrf-token": token } });
    assert.equal(stale.status, 403);
    const next = (await client.get("/account/token", { cookies: { lauren_session: fresh } })).json().token;
    assert.notEqual(next, token);
  });

  test("the cross-origin check still runs first", async () => {
    const { client } = setup({ crossOrigin: { token: true } });
    const { cookie, token } = await withToken(client);
    const res = await client.post("/account/logout", {
      cookies: { lauren_session: cookie },
      headers: { "x-csrf-token": token, origin: EVIL },
    });
    assert.equal(res.json().error.code, "cross_origin_request");
  });
});
