/**
 * SESSIONS.md §1 and §4 on the wire: the exact `Set-Cookie` each option produces, the signed
 * value's format, and byte-for-byte interchange with cookies minted by the Python original
 * (values from shared/vectors/lauren-session-vectors.json, copied here so the test stands alone).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Ctx,
  controller,
  get,
  InMemoryRevocationStore,
  InMemorySessionStore,
  LaurenFactory,
  module,
  post,
  type SessionOptions,
  SignedCookieSessionStore,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { allowPythonTutorialSecret, PYTHON_TUTORIAL_SECRET } from "../sessions/helpers.js";
import { Clock, CountingStore, envelopeOf, NOW, SECRET, SERVER_COOKIE, sign, unsigned } from "./helpers.js";

@controller("/acct")
class AccountController {
  @post("/login")
  login({ session }: Ctx) {
    session.regenerateId();
    session.set("hero_id", 1);
    session.set("name", "Volt");
    return { welcome: "Volt" };
  }

  @get("/me")
  me({ session }: Ctx) {
    return { isNew: session.isNew, data: session.toJSON() };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return { farewell: true };
  }
}

@module({ controllers: [AccountController] })
class AccountModule {}

function appWith(sessions: Partial<SessionOptions>) {
  return LaurenFactory.create(AccountModule, { logger: false, sessions: { secret: SECRET, ...sessions } });
}

function rawSetCookie(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers["set-cookie"];
  assert.equal(typeof raw, "string", `expected exactly one Set-Cookie, got ${JSON.stringify(raw)}`);
  return raw as string;
}

describe("Set-Cookie attributes", () => {
  test("by default the cookie is lauren_session, signed, 14 days, Path=/, Secure, HttpOnly, SameSite=Lax", async () => {
    const res = await new TestClient(appWith({})).post("/acct/login");
    const raw = rawSetCookie(res);
    assert.match(raw, /^lauren_session=[A-Za-z0-9_-]{43}\.[0-9a-f]{64}; Max-Age=1209600; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    const cookie = res.cookie("lauren_session");
    assert.ok(cookie !== undefined);
    assert.deepEqual(
      {
        maxAge: cookie.maxAge,
        path: cookie.path,
        domain: cookie.domain,
        secure: cookie.secure,
        httpOnly: cookie.httpOnly,
        sameSite: cookie.sameSite,
      },
      { maxAge: 1209600, path: "/", domain: undefined, secure: true, httpOnly: true, sameSite: "Lax" },
    );
    // The signature is the lowercase hex HMAC-SHA256 of the id under the secret.
    assert.equal(cookie.value, sign(unsigned(cookie.value), SECRET));
  });

  test("every cookie option shows up on login, and logout expires the same name, path and domain", async () => {
    const client = new TestClient(
      appWith({
        cookieName: "hq_sid",
        maxAge: 600,
        path: "/acct",
        domain: "hq.example",
        secure: false,
        httpOnly: false,
        sameSite: "strict",
      }),
    );
    const login = await client.post("/acct/login");
    assert.match(
      rawSetCookie(login),
      /^hq_sid=[A-Za-z0-9_-]{43}\.[0-9a-f]{64}; Max-Age=600; Path=\/acct; Domain=hq\.example; SameSite=Strict$/,
    );
    const value = login.cookie("hq_sid")?.value as string;
    assert.deepEqual((await client.get("/acct/me", { cookies: { hq_sid: value } })).json().data, { hero_id: 1, name: "Volt" });
    const logout = await client.post("/acct/logout", { cookies: { hq_sid: value } });
    assert.equal(rawSetCookie(logout), "hq_sid=; Max-Age=0; Path=/acct; Domain=hq.example; SameSite=Strict");
  });

  test("sameSite is accepted in any case and None goes out with Secure", async () => {
    const res = await new TestClient(appWith({ sameSite: "NONE" })).post("/acct/login");
    assert.match(rawSetCookie(res), /; Max-Age=1209600; Path=\/; Secure; HttpOnly; SameSite=None$/);
  });

  test("maxAge: null makes a browser-session cookie (no Max-Age) with no server-side expiry", async () => {
    const clock = new Clock();
    const store = new CountingStore({ clock: clock.read });
    const client = new TestClient(appWith({ maxAge: null, store, clock: clock.read }));
    const login = await client.post("/acct/login");
    assert.match(rawSetCookie(login), /^lauren_session=[A-Za-z0-9_-]{43}\.[0-9a-f]{64}; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    assert.equal(store.saves[0]?.opts.ttl, null);
    clock.now += 10 * 365 * 86_400;
    const value = login.cookie("lauren_session")?.value as string;
    assert.equal((await client.get("/acct/me", { cookies: { lauren_session: value } })).json().isNew, false);
    assert.equal(rawSetCookie(await client.post("/acct/logout")), "lauren_session=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax");
  });

  test("maxAge is also the server-side lifetime: once it has passed the cookie identifies no one", async () => {
    const clock = new Clock();
    const client = new TestClient(appWith({ maxAge: 60, clock: clock.read }));
    const value = (await client.post("/acct/login")).cookie("lauren_session")?.value as string;
    clock.now += 59;
    assert.equal((await client.get("/acct/me", { cookies: { lauren_session: value } })).json().isNew, false);
    clock.now += 1;
    const late = await client.get("/acct/me", { cookies: { lauren_session: value } });
    assert.deepEqual(late.json(), { isNew: true, data: {} });
    assert.equal(late.headers["set-cookie"], undefined);
  });
});

describe("cookie values", () => {
  test("a server-side session cookie is the 43-character id and its signature, nothing else", async () => {
    const store = new CountingStore();
    const res = await new TestClient(appWith({ store })).post("/acct/login");
    const value = res.cookie("lauren_session")?.value as string;
    assert.match(value, SERVER_COOKIE);
    assert.equal(unsigned(value), store.saves[0]?.id, "the signed value is the store's id");
    assert.doesNotMatch(value, /Volt/, "no data rides in the cookie");
  });

  test("a stateless cookie is the signed base64url of {d, x}, written as compact key-sorted JSON", async () => {
    const clock = new Clock();
    const res = await new TestClient(appWith({ store: new SignedCookieSessionStore(), clock: clock.read })).post("/acct/login");
    const value = res.cookie("lauren_session")?.value as string;
    assert.match(value, /^[A-Za-z0-9_-]+\.[0-9a-f]{64}$/);
    assert.equal(value, sign(unsigned(value), SECRET));
    assert.equal(Buffer.from(unsigned(value), "base64url").toString(), `{"d":{"hero_id":1,"name":"Volt"},"x":${NOW + 1_209_600}.0}`);
  });

  test("with revocation on, envelopes carry a token id and issued-at ({d,j,t,x}) or the id ({i,t,x})", async () => {
    const clock = new Clock();
    const revocationStore = new InMemoryRevocationStore({ clock: clock.read });
    const stateless = await new TestClient(appWith({ store: new SignedCookieSessionStore(), revocationStore, clock: clock.read })).post(
      "/acct/login",
    );
    const env = envelopeOf(stateless.cookie("lauren_session")?.value as string);
    assert.deepEqual(Object.keys(env), ["d", "j", "t", "x"]);
    assert.match(env.j as string, /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual([env.d, env.t, env.x], [{ hero_id: 1, name: "Volt" }, NOW, NOW + 1_209_600]);

    const store = new CountingStore({ clock: clock.read });
    const serverSide = await new TestClient(appWith({ store, revocationStore, clock: clock.read })).post("/acct/login");
    const idEnv = envelopeOf(serverSide.cookie("lauren_session")?.value as string);
    assert.deepEqual(idEnv, { i: store.saves[0]?.id, t: NOW, x: NOW + 1_209_600 });
  });

  test("a custom serializer writes the envelopes", async () => {
    let calls = 0;
    const serializer = {
      dumps(data: Record<string, unknown>) {
        calls++;
        return JSON.stringify(data);
      },
      loads(raw: Buffer) {
        return JSON.parse(raw.toString("utf8"));
      },
    };
    const clock = new Clock();
    const client = new TestClient(appWith({ store: new SignedCookieSessionStore(), serializer, clock: clock.read }));
    const value = (await client.post("/acct/login")).cookie("lauren_session")?.value as string;
    assert.equal(calls, 1);
    assert.equal(Buffer.from(unsigned(value), "base64url").toString(), `{"d":{"hero_id":1,"name":"Volt"},"x":${NOW + 1_209_600}}`);
    assert.deepEqual((await client.get("/acct/me", { cookies: { lauren_session: value } })).json().data, { hero_id: 1, name: "Volt" });
  });
});

// From shared/vectors/lauren-session-vectors.json: what Python Lauren sent for the same login
// at 1767225600 with Hero HQ's secret, session id and token id pinned.
const PY_SECRET = PYTHON_TUTORIAL_SECRET;
allowPythonTutorialSecret();
const PY_ID = "vcXNTkcR21aJp3eD_rcKAh66-nWw5BEwWtFwNjdx7dc";
const PY_JTI = "q2VvO0b3k9S1xWm8ZtYh3A";
const TAIL = "; Max-Age=1209600; Path=/; HttpOnly; SameSite=Lax";
const PYTHON = {
  server: `${PY_ID}.30be69830b297b3341e2a7319fe63cffffe48b4e724555806fc6f411cb4a867d`,
  cookie:
    "eyJkIjp7Imhlcm9faWQiOjEsIm5hbWUiOiJWb2x0In0sIngiOjE3Njg0MzUyMDAuMH0.7c54cdcd5834a047ad6d190a10a986fb478f81a6369797e7036ac92ae0c8fcf7",
  cookieRevocable:
    "eyJkIjp7Imhlcm9faWQiOjEsIm5hbWUiOiJWb2x0In0sImoiOiJxMlZ2TzBiM2s5UzF4V204WnRZaDNBIiwidCI6MTc2NzIyNTYwMC4wLCJ4IjoxNzY4NDM1MjAwLjB9.519c8593b9959a36aba5fb3b01acfc1eb32bd5247d28322a278481ceca15f5ae",
  serverRevocable:
    "eyJpIjoidmNYTlRrY1IyMWFKcDNlRF9yY0tBaDY2LW5XdzVCRXdXdEZ3TmpkeDdkYyIsInQiOjE3NjcyMjU2MDAuMCwieCI6MTc2ODQzNTIwMC4wfQ.d9068d02b6e5d70dd658c3509b9a4e7ef35e0834a420553571e6c8cd4a1b0be2",
} as const;

class PinnedStore extends InMemorySessionStore {
  override newId(): string {
    return PY_ID;
  }
}

class PinnedRevocations extends InMemoryRevocationStore {
  override newTokenId(): string {
    return PY_JTI;
  }
}

describe("compatibility with Python Lauren", () => {
  const cases: ReadonlyArray<[keyof typeof PYTHON, (clock: Clock) => Partial<SessionOptions>]> = [
    ["server", (clock) => ({ store: new PinnedStore({ clock: clock.read }) })],
    ["cookie", () => ({ store: new SignedCookieSessionStore() })],
    [
      "cookieRevocable",
      (clock) => ({ store: new SignedCookieSessionStore(), revocationStore: new PinnedRevocations({ clock: clock.read }) }),
    ],
    [
      "serverRevocable",
      (clock) => ({ store: new PinnedStore({ clock: clock.read }), revocationStore: new InMemoryRevocationStore({ clock: clock.read }) }),
    ],
  ];
  for (const [name, extra] of cases) {
    test(`${name}: our login sends the original's exact Set-Cookie, and its cookie logs us in`, async () => {
      const clock = new Clock();
      const app = LaurenFactory.create(AccountModule, {
        logger: false,
        sessions: { secret: PY_SECRET, secure: false, clock: clock.read, ...extra(clock) },
      });
      const client = new TestClient(app);
      const login = await client.post("/acct/login");
      assert.equal(rawSetCookie(login), `lauren_session=${PYTHON[name]}${TAIL}`);

      clock.now += 60;
      const me = await client.get("/acct/me", { cookies: { lauren_session: PYTHON[name] } });
      assert.deepEqual(me.json(), { isNew: false, data: { hero_id: 1, name: "Volt" } });
      assert.equal(me.headers["set-cookie"], undefined);
      const logout = await client.post("/acct/logout", { cookies: { lauren_session: PYTHON[name] } });
      assert.equal(rawSetCookie(logout), `lauren_session=${TAIL.replace("1209600", "0")}`);
      await app.shutdown();
    });
  }
});
