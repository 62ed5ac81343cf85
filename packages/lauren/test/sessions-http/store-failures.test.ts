/**
 * SESSIONS.md §6.9 and §8 through the app: when the session (or revocation) store fails,
 * the answer is a logged 503 `session_store_unavailable` with Retry-After and no Set-Cookie;
 * the handler never runs as anonymous, a login is never a 200 unless saved, and routes that
 * opt out of sessions keep serving.
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
  onConnect,
  post,
  type SessionOptions,
  SignedCookieSessionStore,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { TestClient, WsHandshakeError, WsTestClient } from "../../src/testing/index.js";
import { Clock, MemoryLogger, SECRET } from "./helpers.js";

const UNAVAILABLE = {
  error: { code: "session_store_unavailable", message: "the session store is unavailable; try again shortly", detail: {} },
};

type Operation = "load" | "save" | "touch" | "delete";

/** The default store, failing the operations the test names (a Redis outage, say). */
class FlakyStore extends InMemorySessionStore {
  readonly down = new Set<Operation>();
  #fail(op: Operation): Promise<never> {
    return Promise.reject(new Error(`ECONNREFUSED during ${op}`));
  }
  override load(id: string) {
    return this.down.has("load") ? this.#fail("load") : super.load(id);
  }
  override save(id: string, data: Record<string, unknown>, opts: Parameters<InMemorySessionStore["save"]>[2]) {
    return this.down.has("save") ? this.#fail("save") : super.save(id, data, opts);
  }
  override touch(id: string, ttl: number) {
    return this.down.has("touch") ? this.#fail("touch") : super.touch(id, ttl);
  }
  override delete(id: string) {
    return this.down.has("delete") ? this.#fail("delete") : super.delete(id);
  }
}

const calls = { whoami: 0 };

@controller("/acct")
class AccountController {
  @get("/")
  whoami({ session }: Ctx) {
    calls.whoami++;
    return { user: session.get("user_id") ?? null };
  }

  @post("/login")
  login({ session }: Ctx) {
    session.regenerateId();
    session.set("user_id", 7);
    return { welcome: 7 };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return { farewell: true };
  }

  @get("/health", { sessions: false })
  health() {
    return { status: "ok" };
  }
}

@wsController("/live")
class LiveGateway {
  @onConnect
  hello({ ws, session }: WsCtx) {
    ws.sendJson({ user: session.get("user_id") ?? null });
  }
}

@module({ controllers: [AccountController, LiveGateway] })
class AccountModule {}

function setup(sessions: Partial<SessionOptions> = {}, clock?: Clock) {
  const store = new FlakyStore(clock === undefined ? {} : { clock: clock.read });
  const logger = new MemoryLogger();
  const app = LaurenFactory.create(AccountModule, {
    logger,
    openapiUrl: "/openapi.json",
    sessions: { secret: SECRET, store, ...sessions },
  });
  return { store, logger, app, client: new TestClient(app) };
}

async function login(client: TestClient): Promise<string> {
  const value = (await client.post("/acct/login")).cookie("lauren_session")?.value;
  assert.ok(value !== undefined);
  return value;
}

function assertUnavailable(res: { status: number; text: string; headers: Record<string, unknown> }, what: string): void {
  assert.equal(res.status, 503, `${what}: status`);
  assert.equal(res.text, JSON.stringify(UNAVAILABLE), `${what}: body`);
  assert.equal(res.headers["retry-after"], "5", `${what}: Retry-After`);
  assert.equal(res.headers["set-cookie"], undefined, `${what}: no Set-Cookie`);
}

function assertLogged(logger: MemoryLogger, operation: string): void {
  const entry = logger.errors().find((e) => e.fields?.operation === operation);
  assert.ok(entry !== undefined, `the ${operation} failure is logged`);
  assert.match(entry.message, /session store failed; answering 503/);
  assert.match(String((entry.fields?.error as Error | undefined)?.message), /ECONNREFUSED/);
}

describe("a failing session store fails closed", () => {
  test("a failed load is a 503 with Retry-After, and the handler never runs as anonymous", async () => {
    const { store, logger, client } = setup();
    const cookie = await login(client);
    store.down.add("load");
    calls.whoami = 0;
    assertUnavailable(await client.get("/acct/", { cookies: { lauren_session: cookie } }), "load");
    assert.equal(calls.whoami, 0, "the handler did not run");
    assertLogged(logger, "load");
    // A visitor without a cookie needs no store I/O, so they are still served.
    const anonymous = await client.get("/acct/");
    assert.deepEqual([anonymous.status, anonymous.json()], [200, { user: null }]);
    store.down.clear();
    assert.deepEqual((await client.get("/acct/", { cookies: { lauren_session: cookie } })).json(), { user: 7 }, "back when the store is");
  });

  test("a login whose save fails is a 503, never a 200 with a cookie for an unsaved session", async () => {
    const { store, logger, client } = setup();
    store.down.add("save");
    assertUnavailable(await client.post("/acct/login"), "save");
    assert.equal(store.size, 0);
    assertLogged(logger, "save");
  });

  test("a login that cannot delete the pre-login row is a 503 without a cookie", async () => {
    const { store, client } = setup();
    const before = await login(client);
    store.down.add("delete");
    assertUnavailable(await client.post("/acct/login", { cookies: { lauren_session: before } }), "delete at login");
  });

  test("a logout that cannot delete the row is a 503 (the client retries) rather than a false farewell", async () => {
    const { store, logger, client } = setup();
    const cookie = await login(client);
    store.down.add("delete");
    assertUnavailable(await client.post("/acct/logout", { cookies: { lauren_session: cookie } }), "delete at logout");
    assertLogged(logger, "delete");
    store.down.clear();
    assert.deepEqual((await client.get("/acct/", { cookies: { lauren_session: cookie } })).json(), { user: 7 }, "still logged in");
  });

  test("an idle refresh that fails is a 503 as well", async () => {
    const clock = new Clock();
    const { store, logger, client } = setup({ idleTimeout: 100, clock: clock.read }, clock);
    const cookie = await login(client);
    store.down.add("touch");
    clock.now += 60; // less than half the idle window left: this read must refresh the TTL
    const res = await client.get("/acct/", { cookies: { lauren_session: cookie } });
    assertUnavailable(res, "touch");
    assertLogged(logger, "touch");
  });

  test("routes that opt out of sessions, and the framework's own routes, keep serving while the store is down", async () => {
    const { store, client } = setup();
    const cookie = await login(client);
    store.down.add("load").add("save").add("touch").add("delete");
    const health = await client.get("/acct/health", { cookies: { lauren_session: cookie } });
    assert.deepEqual([health.status, health.json()], [200, { status: "ok" }]);
    assert.equal(health.headers["set-cookie"], undefined);
    const openapi = await client.get("/openapi.json", { cookies: { lauren_session: cookie } });
    assert.equal(openapi.status, 200);
  });

  test("a WebSocket upgrade is refused with the same 503 while the store is down", async () => {
    const { store, app, client } = setup();
    const cookie = await login(client);
    const ws = new WsTestClient(app);
    try {
      const open = await ws.connect("/live", { cookies: { lauren_session: cookie } });
      assert.deepEqual(await open.receiveJson(), { user: 7 });
      store.down.add("load");
      const refused = await ws.connect("/live", { cookies: { lauren_session: cookie } }).then(
        () => assert.fail("the upgrade was accepted"),
        (error: unknown) => error,
      );
      assert.ok(refused instanceof WsHandshakeError);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers["retry-after"], "5");
      assert.deepEqual(refused.json(), UNAVAILABLE);
    } finally {
      await ws.close();
      await app.shutdown();
    }
  });
});

describe("a failing revocation store fails closed", () => {
  class DownRevocations extends InMemoryRevocationStore {
    down = false;
    override isTokenRevoked(tokenId: string): Promise<boolean> {
      return this.down ? Promise.reject(new Error("ECONNREFUSED")) : super.isTokenRevoked(tokenId);
    }
    override revokeToken(tokenId: string, ttl: number): Promise<void> {
      return this.down ? Promise.reject(new Error("ECONNREFUSED")) : super.revokeToken(tokenId, ttl);
    }
  }

  test("checking or recording a revocation that fails is a 503 without Set-Cookie", async () => {
    const revocationStore = new DownRevocations();
    const logger = new MemoryLogger();
    const app = LaurenFactory.create(AccountModule, {
      logger,
      sessions: { secret: SECRET, store: new SignedCookieSessionStore(), revocationStore },
    });
    const client = new TestClient(app);
    const cookie = await login(client);
    revocationStore.down = true;
    assertUnavailable(await client.get("/acct/", { cookies: { lauren_session: cookie } }), "isTokenRevoked");
    assert.ok(logger.errors().some((e) => e.fields?.operation === "isTokenRevoked"));
    revocationStore.down = false;
    assert.deepEqual((await client.get("/acct/", { cookies: { lauren_session: cookie } })).json(), { user: 7 });
  });
});
