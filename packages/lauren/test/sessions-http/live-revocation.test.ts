/**
 * Live revocation: WebSockets and event streams opened with a session end when it does
 * (logout, regenerated away, user revoked, expired), at once in this process, and in
 * another process that shares the stores through their change feeds. The WebSocket close
 * code is SESSION_ENDED_CLOSE_CODE (4401) with the reason "session ended: <why>".
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Ctx,
  controller,
  EventStream,
  get,
  InMemoryRevocationStore,
  InMemorySessionStore,
  inject,
  type LaurenApplication,
  LaurenFactory,
  module,
  onConnect,
  post,
  RevocationStore,
  SESSION_ENDED_CLOSE_CODE,
  type SessionOptions,
  SignedCookieSessionStore,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { TestClient, type TestWebSocket, WsTestClient } from "../../src/testing/index.js";
import { openStream } from "../realtime/helpers.js";
import { Clock, NOW, SECRET } from "./helpers.js";

@controller("/auth")
class AuthController {
  private readonly revocations = inject(RevocationStore, { optional: true });

  @post("/login/{user}")
  login({ session, params }: Ctx) {
    session.regenerateId();
    session.set("user_id", Number(params.user));
    return { ok: true };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return { farewell: true };
  }

  @post("/rotate")
  rotate({ session }: Ctx) {
    session.regenerateId();
    return { rotated: true };
  }

  @post("/ban/{user}")
  async ban({ params }: Ctx) {
    await this.revocations?.revokeUser(Number(params.user));
    return { banned: true };
  }

  @get("/feed")
  feed({ session }: Ctx) {
    const user = session.get("user_id") ?? null;
    async function* ticks() {
      yield `user ${String(user)}`;
      await new Promise<never>(() => undefined);
    }
    return new EventStream(ticks());
  }
}

@wsController("/live")
class LiveGateway {
  @onConnect
  hello({ ws, session }: WsCtx) {
    ws.sendJson({ user: session.get("user_id") ?? null });
  }
}

@module({ controllers: [AuthController, LiveGateway] })
class LiveModule {}

function makeApp(sessions: Partial<SessionOptions> = {}): LaurenApplication {
  return LaurenFactory.create(LiveModule, { logger: false, sessions: { secret: SECRET, secure: false, ...sessions } });
}

async function login(http: TestClient, user: number, cookie?: string): Promise<string> {
  const res = await http.post(`/auth/login/${user}`, cookie === undefined ? {} : { cookies: { lauren_session: cookie } });
  return res.cookie("lauren_session")?.value as string;
}

/** Resolves with the close, or fails when it does not come within `ms` (the promise is one second). */
async function closedWithin(ws: TestWebSocket, ms = 1000): Promise<{ code: number; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the WebSocket was not closed within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([ws.closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function stillOpen(ws: TestWebSocket): Promise<void> {
  ws.send("ping");
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(ws.raw.readyState, 1, "still open");
}

async function withApp(app: LaurenApplication, body: (http: TestClient, ws: WsTestClient) => Promise<void>): Promise<void> {
  const http = new TestClient(app);
  const ws = new WsTestClient(app);
  try {
    await body(http, ws);
  } finally {
    await ws.close();
    await app.shutdown();
  }
}

describe("WebSockets opened with a session close when it ends", () => {
  test("logout over HTTP closes that session's socket within a second; other sessions' sockets stay", async () => {
    await withApp(makeApp(), async (http, client) => {
      const mine = await login(http, 7);
      const theirs = await login(http, 8);
      const ws = await client.connect("/live", { cookies: { lauren_session: mine } });
      const other = await client.connect("/live", { cookies: { lauren_session: theirs } });
      const anonymous = await client.connect("/live");
      assert.deepEqual(await ws.receiveJson(), { user: 7 });
      assert.deepEqual(await other.receiveJson(), { user: 8 });
      assert.deepEqual(await anonymous.receiveJson(), { user: null });
      await http.post("/auth/logout", { cookies: { lauren_session: mine } });
      assert.deepEqual(await closedWithin(ws), { code: SESSION_ENDED_CLOSE_CODE, reason: "session ended: logout" });
      assert.equal(SESSION_ENDED_CLOSE_CODE, 4401);
      await stillOpen(other);
      await stillOpen(anonymous);
      assert.equal(http.app.parts.sessions?.liveConnections, 1, "the closed socket is no longer watched");
    });
  });

  test("regenerateId() closes sockets opened with the old id", async () => {
    await withApp(makeApp(), async (http, client) => {
      const cookie = await login(http, 7);
      const ws = await client.connect("/live", { cookies: { lauren_session: cookie } });
      await ws.receiveJson();
      const fresh = (await http.post("/auth/rotate", { cookies: { lauren_session: cookie } })).cookie("lauren_session")?.value as string;
      assert.deepEqual(await closedWithin(ws), { code: 4401, reason: "session ended: regenerated" });
      const again = await client.connect("/live", { cookies: { lauren_session: fresh } });
      assert.deepEqual(await again.receiveJson(), { user: 7 });
    });
  });

  test("revokeUser closes every socket of that user issued before the cutoff, not other users'", async () => {
    await withApp(makeApp({ revocationStore: new InMemoryRevocationStore() }), async (http, client) => {
      const laptop = await login(http, 7);
      const phone = await login(http, 7);
      const stranger = await login(http, 9);
      const a = await client.connect("/live", { cookies: { lauren_session: laptop } });
      const b = await client.connect("/live", { cookies: { lauren_session: phone } });
      const c = await client.connect("/live", { cookies: { lauren_session: stranger } });
      await Promise.all([a.receiveJson(), b.receiveJson(), c.receiveJson()]);
      await http.post("/auth/ban/7");
      assert.equal((await closedWithin(a)).reason, "session ended: revoked");
      assert.equal((await closedWithin(b)).code, 4401);
      await stillOpen(c);
    });
  });

  test("a socket closes when its session expires", async () => {
    const clock = new Clock();
    const store = new InMemorySessionStore({ clock: clock.read });
    await withApp(makeApp({ store, clock: clock.read, maxAge: 1 }), async (http, client) => {
      const cookie = await login(http, 7);
      const ws = await client.connect("/live", { cookies: { lauren_session: cookie } });
      await ws.receiveJson();
      clock.now = NOW + 1;
      assert.deepEqual(await closedWithin(ws, 5000), { code: 4401, reason: "session ended: expired" });
    });
  });

  test("a socket whose session was kept alive by other requests is not closed at the old expiry", async () => {
    const clock = new Clock();
    const store = new InMemorySessionStore({ clock: clock.read });
    await withApp(makeApp({ store, clock: clock.read, maxAge: 1, idleTimeout: null }), async (http, client) => {
      const cookie = await login(http, 7);
      const ws = await client.connect("/live", { cookies: { lauren_session: cookie } });
      await ws.receiveJson();
      clock.now = NOW + 0.5;
      await store.touch(cookie.slice(0, 43), 100);
      clock.now = NOW + 1;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await stillOpen(ws);
    });
  });

  test("the stateless stores: logout closes the socket with revocation (token id) and without (same cookie)", async () => {
    for (const sessions of [
      { store: new SignedCookieSessionStore(), revocationStore: new InMemoryRevocationStore() },
      { store: new SignedCookieSessionStore() },
    ]) {
      await withApp(makeApp(sessions), async (http, client) => {
        const cookie = await login(http, 7);
        const ws = await client.connect("/live", { cookies: { lauren_session: cookie } });
        assert.deepEqual(await ws.receiveJson(), { user: 7 });
        await http.post("/auth/logout", { cookies: { lauren_session: cookie } });
        assert.equal((await closedWithin(ws)).code, 4401);
      });
    }
  });
});

describe("event streams opened with a session end when it does", () => {
  test("logout ends the stream; a stream of another session goes on", async () => {
    const app = makeApp();
    const http = new TestClient(app);
    const { port } = new URL((await app.listen({ port: 0, host: "127.0.0.1" })).url);
    try {
      const mine = await login(http, 7);
      const theirs = await login(http, 8);
      const stream = await openStream(Number(port), "/auth/feed", { cookie: `lauren_session=${mine}` });
      const other = await openStream(Number(port), "/auth/feed", { cookie: `lauren_session=${theirs}` });
      await stream.until((text) => text.includes("user 7"), "the first event");
      await other.until((text) => text.includes("user 8"), "the other stream's first event");
      await http.post("/auth/logout", { cookies: { lauren_session: mine } });
      assert.equal(await stream.ended, true, "the stream ends cleanly");
      assert.equal(other.res.complete, false, "the other stream is still open");
      other.req.destroy();
    } finally {
      await app.shutdown();
    }
  });
});

describe("across processes, through the stores' change feeds", () => {
  test("a logout in one app closes the socket held by another app sharing the store", async () => {
    const store = new InMemorySessionStore();
    const revocationStore = new InMemoryRevocationStore();
    const a = makeApp({ store, revocationStore });
    const b = makeApp({ store, revocationStore });
    const httpA = new TestClient(a);
    const clientB = new WsTestClient(b);
    try {
      const cookie = await login(httpA, 7);
      const other = await login(httpA, 8);
      const ws = await clientB.connect("/live", { cookies: { lauren_session: cookie } });
      const ws8 = await clientB.connect("/live", { cookies: { lauren_session: other } });
      await Promise.all([ws.receiveJson(), ws8.receiveJson()]);
      await httpA.post("/auth/logout", { cookies: { lauren_session: cookie } });
      assert.deepEqual(await closedWithin(ws), { code: 4401, reason: "session ended: ended" });
      await httpA.post("/auth/ban/8");
      assert.deepEqual(await closedWithin(ws8), { code: 4401, reason: "session ended: revoked" });
    } finally {
      await clientB.close();
      await a.shutdown();
      await b.shutdown();
    }
  });
});
