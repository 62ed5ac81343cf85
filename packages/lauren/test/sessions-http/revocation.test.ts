/**
 * SESSIONS.md §7 through the app: with a revocation store, logout is real even for the
 * stateless cookie store, `inject(RevocationStore).revokeUser(id)` logs a user out on every
 * device (the caller keeps its own by regenerating), and the index prunes itself.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Ctx,
  controller,
  get,
  InMemoryRevocationStore,
  InMemorySessionStore,
  inject,
  LaurenFactory,
  module,
  post,
  RevocationStore,
  type SessionOptions,
  SignedCookieSessionStore,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { Clock, SECRET } from "./helpers.js";

const injected: RevocationStore[] = [];

@controller("/auth")
class AuthController {
  private readonly revocations = inject(RevocationStore);

  constructor() {
    injected.push(this.revocations);
  }

  @post("/login/{user}")
  login({ session, params }: Ctx) {
    session.regenerateId();
    session.set("user_id", Number(params.user));
    session.set("hero_id", Number(params.user) * 100);
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

  /** "Log out everywhere" (or: the password just changed). */
  @post("/logout-everywhere")
  async logoutEverywhere({ session }: Ctx) {
    await this.revocations.revokeUser(session.get("user_id") as number);
    session.regenerateId();
    return { everywhere: true };
  }

  @post("/ban/{hero}")
  async ban({ params }: Ctx) {
    await this.revocations.revokeUser(Number(params.hero));
    return { banned: Number(params.hero) };
  }
}

@module({ controllers: [AuthController] })
class AuthModule {}

/** The same login and logout in an app without a revocation store (nothing to inject). */
@controller("/auth")
class PlainAuthController {
  @post("/login/{user}")
  login({ session, params }: Ctx) {
    session.set("user_id", Number(params.user));
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
}

@module({ controllers: [PlainAuthController] })
class PlainAuthModule {}

function setup(sessions: Partial<SessionOptions> = {}) {
  const clock = new Clock();
  const revocationStore = new InMemoryRevocationStore({ clock: clock.read });
  const app = LaurenFactory.create(AuthModule, {
    logger: false,
    sessions: { secret: SECRET, store: new SignedCookieSessionStore(), revocationStore, clock: clock.read, ...sessions },
  });
  return { clock, revocationStore, app, client: new TestClient(app) };
}

async function login(client: TestClient, user: number, cookie?: string): Promise<string> {
  const res = await client.post(`/auth/login/${user}`, cookie === undefined ? {} : { cookies: { lauren_session: cookie } });
  const value = res.cookie("lauren_session")?.value;
  assert.ok(value !== undefined, "login sets the cookie");
  return value;
}

async function userOf(client: TestClient, cookie: string): Promise<number | null> {
  const res = await client.get("/auth/me", { cookies: { lauren_session: cookie } });
  assert.equal(res.status, 200);
  return res.json().user;
}

describe("the per-session deny-list", () => {
  test("without revocation a stateless cookie outlives logout: replaying it still works", async () => {
    const client = new TestClient(
      LaurenFactory.create(PlainAuthModule, { logger: false, sessions: { secret: SECRET, store: new SignedCookieSessionStore() } }),
    );
    const cookie = await login(client, 7);
    await client.post("/auth/logout", { cookies: { lauren_session: cookie } });
    assert.equal(await userOf(client, cookie), 7, "this is what revocation is for");
  });

  test("with revocation, logout deny-lists the stateless cookie: a replay is anonymous", async () => {
    const { client, revocationStore } = setup();
    const cookie = await login(client, 7);
    assert.equal(await userOf(client, cookie), 7);
    const logout = await client.post("/auth/logout", { cookies: { lauren_session: cookie } });
    assert.equal(logout.cookie("lauren_session")?.raw, "lauren_session=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax");
    assert.equal(revocationStore.size, 1);
    const replay = await client.get("/auth/me", { cookies: { lauren_session: cookie } });
    assert.deepEqual(replay.json(), { user: null });
    assert.equal(replay.headers["set-cookie"], undefined);
  });

  test("regenerateId deny-lists the cookie it replaces", async () => {
    const { client } = setup();
    const first = await login(client, 7);
    const second = await login(client, 8, first);
    assert.equal(await userOf(client, first), null);
    assert.equal(await userOf(client, second), 8);
  });

  test("the deny-list entry lives as long as the cookie could, then prunes itself", async () => {
    const { client, clock, revocationStore } = setup({ maxAge: 3_600 });
    const cookie = await login(client, 7);
    clock.now += 600;
    await client.post("/auth/logout", { cookies: { lauren_session: cookie } });
    clock.now += 2_999; // one second before the cookie itself would have expired
    revocationStore.sweep();
    assert.equal(revocationStore.size, 1);
    assert.equal(await userOf(client, cookie), null);
    clock.now += 1;
    revocationStore.sweep();
    assert.equal(revocationStore.size, 0, "an expired cookie needs no deny-list entry");
    assert.equal(await userOf(client, cookie), null, "and is refused by its own expiry");
  });
});

describe("per-user revocation", () => {
  const stores: Array<[string, () => Partial<SessionOptions>]> = [
    ["stateless cookies", () => ({})],
    ["server-side sessions", () => ({ store: new InMemorySessionStore() })],
  ];
  for (const [kind, extra] of stores) {
    test(`${kind}: revokeUser from a handler logs every device out; the caller keeps its session by regenerating`, async () => {
      const { client, clock, revocationStore } = setup(extra());
      assert.ok(injected.includes(revocationStore), "inject(RevocationStore) is the configured store");
      const phone = await login(client, 7);
      const laptop = await login(client, 7);
      const tablet = await login(client, 7);
      const someoneElse = await login(client, 8);
      clock.now += 10;

      const res = await client.post("/auth/logout-everywhere", { cookies: { lauren_session: laptop } });
      assert.deepEqual(res.json(), { everywhere: true });
      const laptopNow = res.cookie("lauren_session")?.value;
      assert.ok(laptopNow !== undefined && laptopNow !== laptop);

      assert.equal(await userOf(client, phone), null);
      assert.equal(await userOf(client, tablet), null);
      assert.equal(await userOf(client, laptop), null, "the laptop's old cookie too");
      assert.equal(await userOf(client, laptopNow), 7, "the device that asked stays logged in");
      assert.equal(await userOf(client, someoneElse), 8, "other users are untouched");
      clock.now += 5;
      assert.equal(await userOf(client, await login(client, 7)), 7, "logging in again works");
    });
  }

  test("userIdKey chooses the session key revokeUser matches, and the cutoff prunes itself after a session lifetime", async () => {
    const { client, clock, revocationStore } = setup({ userIdKey: "hero_id", idleTimeout: 600 });
    const villainous = await login(client, 3); // hero_id 300
    clock.now += 1;
    await client.post("/auth/ban/300");
    assert.equal(await userOf(client, villainous), null);
    const sizeWithCutoff = revocationStore.size;
    assert.equal(sizeWithCutoff, 1);
    clock.now += 600;
    revocationStore.sweep();
    assert.equal(revocationStore.size, 0, "no cookie issued before the cutoff can still be presented");
  });
});
