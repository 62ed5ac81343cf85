/**
 * "Sign out other devices": `inject(UserSessions)` lists a user's live sessions (hashed
 * ids, created, last seen, what the app stored such as the user agent) and ends one, all
 * but the current one, or all. The per-user index follows logins, logouts, regenerated
 * ids, changed user ids, expiry and the absolute lifetime.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Ctx,
  controller,
  del,
  get,
  InMemorySessionStore,
  inject,
  LaurenFactory,
  module,
  NotFoundError,
  onConnect,
  post,
  SessionConfigError,
  type SessionOptions,
  SignedCookieSessionStore,
  UserSessions,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { TestClient, WsTestClient } from "../../src/testing/index.js";
import { Clock, NOW, SECRET } from "./helpers.js";

@controller("/account")
class AccountController {
  private readonly sessions = inject(UserSessions);

  @post("/login/{user}")
  login({ session, params, request }: Ctx) {
    session.regenerateId();
    session.set("user_id", Number(params.user));
    session.set("user_agent", request.header("user-agent") ?? "unknown");
    return { ok: true };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return {};
  }

  @post("/become/{user}")
  become({ session, params }: Ctx) {
    session.set("user_id", Number(params.user));
    return {};
  }

  @get("/me")
  me({ session }: Ctx) {
    return { user: session.get("user_id") ?? null };
  }

  @get("/sessions")
  async list({ session }: Ctx) {
    const all = await this.sessions.list(session.get("user_id") as number, session);
    return all.map((s) => ({ id: s.id, current: s.current, agent: s.data.user_agent, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt }));
  }

  @del("/sessions/{id}")
  async end({ session, params }: Ctx) {
    if (!(await this.sessions.end(session.get("user_id") as number, params.id as string))) throw new NotFoundError("no such session");
    return { ended: true };
  }

  @post("/sessions/sign-out-others")
  async others({ session }: Ctx) {
    return { ended: await this.sessions.endOthers(session.get("user_id") as number, session) };
  }
}

@wsController("/feed")
class FeedGateway {
  @onConnect
  hello({ ws, session }: WsCtx) {
    ws.sendJson({ user: session.get("user_id") ?? null });
  }
}

@module({ controllers: [AccountController, FeedGateway] })
class AccountModule {}

function setup(sessions: Partial<SessionOptions> = {}) {
  const clock = new Clock();
  const store = new InMemorySessionStore({ clock: clock.read });
  const app = LaurenFactory.create(AccountModule, { logger: false, sessions: { secret: SECRET, store, clock: clock.read, ...sessions } });
  return { clock, store, app, client: new TestClient(app) };
}

async function loginAs(client: TestClient, user: number, agent: string): Promise<string> {
  const res = await client.post(`/account/login/${user}`, { headers: { "user-agent": agent } });
  return res.cookie("lauren_session")?.value as string;
}

const as = (cookie: string) => ({ cookies: { lauren_session: cookie } });

type Listed = { id: string; current: boolean; agent: string; createdAt: number; lastSeenAt: number };

async function listed(client: TestClient, cookie: string): Promise<Listed[]> {
  const res = await client.get("/account/sessions", as(cookie));
  assert.equal(res.status, 200);
  return res.json();
}

async function userOf(client: TestClient, cookie: string): Promise<unknown> {
  return (await client.get("/account/me", as(cookie))).json().user;
}

describe("listing a user's sessions", () => {
  test("lists only that user's live sessions, marks the current one, and never shows raw ids", async () => {
    const { client, clock } = setup();
    const laptop = await loginAs(client, 7, "Firefox on Linux");
    clock.now = NOW + 10;
    const phone = await loginAs(client, 7, "Safari on iPhone");
    await loginAs(client, 8, "Someone else");
    clock.now = NOW + 20;
    const sessions = await listed(client, laptop);
    assert.equal(sessions.length, 2);
    assert.deepEqual(
      sessions.map((s) => [s.agent, s.current, s.createdAt, s.lastSeenAt]),
      [
        ["Firefox on Linux", true, NOW, NOW + 20],
        ["Safari on iPhone", false, NOW + 10, NOW + 10],
      ],
      "most recently seen first",
    );
    for (const s of sessions) {
      assert.match(s.id, /^[A-Za-z0-9_-]{22}$/);
      assert.ok(!laptop.startsWith(s.id) && !phone.startsWith(s.id));
    }
  });

  test("logout, re-login (a new id), a changed user id and expiry all keep the list right", async () => {
    const { client, clock } = setup({ maxAge: 1000 });
    const a = await loginAs(client, 7, "A");
    const b = await loginAs(client, 7, "B");
    const c = await loginAs(client, 7, "C");
    await client.post("/account/logout", as(b));
    const relogged = (await client.post("/account/login/7", { ...as(c), headers: { "user-agent": "C2" } })).cookie("lauren_session")
      ?.value as string;
    assert.deepEqual((await listed(client, a)).map((s) => s.agent).sort(), ["A", "C2"]);
    await client.post("/account/become/9", as(relogged));
    assert.deepEqual(
      (await listed(client, a)).map((s) => s.agent),
      ["A"],
    );
    assert.deepEqual(
      (await listed(client, relogged)).map((s) => s.agent),
      ["C2"],
      "now filed under user 9",
    );
    clock.now = NOW + 999;
    await client.get("/account/me", as(a));
    const d = await loginAs(client, 7, "D");
    clock.now = NOW + 1000;
    assert.deepEqual(
      (await listed(client, d)).map((s) => s.agent),
      ["D"],
      "the expired session is gone from the list",
    );
  });

  test("sessions past their absolute lifetime are not listed", async () => {
    const { client, clock } = setup({ absoluteTimeout: 100, maxAge: 1000 });
    const old = await loginAs(client, 7, "old");
    clock.now = NOW + 50;
    const fresh = await loginAs(client, 7, "fresh");
    clock.now = NOW + 100;
    assert.deepEqual(
      (await listed(client, fresh)).map((s) => s.agent),
      ["fresh"],
    );
    assert.equal(await userOf(client, old), null);
  });
});

describe("ending sessions", () => {
  test("end(id) ends exactly that session; another user's id or an unknown one is refused", async () => {
    const { client } = setup();
    const laptop = await loginAs(client, 7, "laptop");
    const phone = await loginAs(client, 7, "phone");
    const stranger = await loginAs(client, 8, "stranger");
    const phoneId = (await listed(client, laptop)).find((s) => s.agent === "phone")?.id as string;
    const strangerId = (await listed(client, stranger))[0]?.id as string;
    assert.equal((await client.delete(`/account/sessions/${strangerId}`, as(laptop))).status, 404, "not one of mine");
    assert.equal((await client.delete("/account/sessions/nonsense", as(laptop))).status, 404);
    assert.equal(await userOf(client, stranger), 8);
    assert.deepEqual((await client.delete(`/account/sessions/${phoneId}`, as(laptop))).json(), { ended: true });
    assert.equal(await userOf(client, phone), null, "the phone is logged out");
    assert.equal(await userOf(client, laptop), 7);
    assert.deepEqual(
      (await listed(client, laptop)).map((s) => s.agent),
      ["laptop"],
    );
  });

  test("endOthers() signs out every other device and keeps this one", async () => {
    const { client } = setup();
    const devices = [await loginAs(client, 7, "1"), await loginAs(client, 7, "2"), await loginAs(client, 7, "3")];
    const stranger = await loginAs(client, 8, "x");
    assert.deepEqual((await client.post("/account/sessions/sign-out-others", as(devices[1] as string))).json(), { ended: 2 });
    assert.deepEqual(await Promise.all(devices.map((d) => userOf(client, d))), [null, 7, null]);
    assert.equal(await userOf(client, stranger), 8);
    assert.deepEqual(
      (await listed(client, devices[1] as string)).map((s) => [s.agent, s.current]),
      [["2", true]],
    );
  });

  test("endAll() from anywhere (an admin, a password reset) ends them all", async () => {
    const { client, app } = setup();
    const a = await loginAs(client, 7, "a");
    const b = await loginAs(client, 7, "b");
    assert.equal(await app.get(UserSessions).endAll(7), 2);
    assert.deepEqual([await userOf(client, a), await userOf(client, b)], [null, null]);
    assert.deepEqual(await app.get(UserSessions).list(7), []);
  });

  test("an ended session's open WebSocket closes at once", async () => {
    const { client, app } = setup();
    const ws = new WsTestClient(app);
    try {
      const laptop = await loginAs(client, 7, "laptop");
      const phone = await loginAs(client, 7, "phone");
      const socket = await ws.connect("/feed", as(phone));
      assert.deepEqual(await socket.receiveJson(), { user: 7 });
      await client.post("/account/sessions/sign-out-others", as(laptop));
      assert.deepEqual(await socket.closed, { code: 4401, reason: "session ended: ended" });
    } finally {
      await ws.close();
      await app.shutdown();
    }
  });
});

describe("stores without a per-user index", () => {
  test("a cookie store cannot list sessions: a SessionConfigError that names the way out", async () => {
    const app = LaurenFactory.create(AccountModule, { logger: false, sessions: { secret: SECRET, store: new SignedCookieSessionStore() } });
    await assert.rejects(
      app.get(UserSessions).list(7),
      (error: unknown) => error instanceof SessionConfigError && /revokeUser/.test(error.message),
    );
  });

  test("a store without listByUser is refused the same way, and the server answers 500 without crashing", async () => {
    class PlainStore extends InMemorySessionStore {
      override listByUser = undefined as never;
    }
    const app = LaurenFactory.create(AccountModule, { logger: false, sessions: { secret: SECRET, store: new PlainStore() } });
    const client = new TestClient(app);
    const cookie = await loginAs(client, 7, "x");
    const res = await client.get("/account/sessions", as(cookie));
    assert.equal(res.status, 500);
    await assert.rejects(app.get(UserSessions).endAll(7), /PlainStore has none/);
  });
});
