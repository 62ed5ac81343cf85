/**
 * `absoluteTimeout`: a session ends that many seconds after its creation whatever its
 * activity; `regenerateId()` does not extend it; cookies and server-side TTLs never
 * outlast it; contradictory combinations are refused at start-up.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Ctx,
  controller,
  EncryptedCookieSessionStore,
  get,
  InMemoryRevocationStore,
  LaurenFactory,
  module,
  post,
  SessionConfigError,
  type SessionOptions,
  SignedCookieSessionStore,
  StartupError,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { Clock, CountingStore, NOW, SECRET } from "./helpers.js";

@controller("/s")
class LifetimeController {
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

  @post("/touch")
  touch({ session }: Ctx) {
    session.set("n", ((session.get("n") as number | undefined) ?? 0) + 1);
    return { ok: true };
  }
}

@module({ controllers: [LifetimeController] })
class LifetimeModule {}

function setup(sessions: Partial<SessionOptions>) {
  const clock = new Clock();
  const app = LaurenFactory.create(LifetimeModule, { logger: false, sessions: { secret: SECRET, clock: clock.read, ...sessions } });
  return { clock, client: new TestClient(app) };
}

const storeKinds: Array<[string, () => Partial<SessionOptions>]> = [
  ["in-memory", () => ({ store: new CountingStore() })],
  ["signed cookie", () => ({ store: new SignedCookieSessionStore() })],
  ["encrypted cookie", () => ({ store: new EncryptedCookieSessionStore() })],
  ["in-memory with revocation", () => ({ revocationStore: new InMemoryRevocationStore() })],
];

for (const [name, store] of storeKinds) {
  describe(`absoluteTimeout with the ${name} store`, () => {
    test("activity keeps an idle session alive, but not past the absolute lifetime; regenerateId does not extend it", async () => {
      const { clock, client } = setup({ ...store(), idleTimeout: 100, absoluteTimeout: 250, rolling: true });
      let cookie = (await client.post("/s/login")).cookie("lauren_session")?.value as string;
      for (const at of [80, 160, 240]) {
        clock.now = NOW + at;
        const res = await client.post("/s/login", { cookies: { lauren_session: cookie } });
        assert.equal(res.status, 200);
        cookie = res.cookie("lauren_session")?.value as string;
        assert.deepEqual((await client.get("/s/me", { cookies: { lauren_session: cookie } })).json(), { user: 7 }, `alive at ${at}`);
      }
      clock.now = NOW + 250;
      const res = await client.get("/s/me", { cookies: { lauren_session: cookie } });
      assert.deepEqual(res.json(), { user: null }, "ended at creation + 250 s although used 10 s ago");
    });
  });
}

describe("absoluteTimeout and the cookie", () => {
  test("the cookie's Max-Age never outlasts the absolute lifetime", async () => {
    const { clock, client } = setup({ maxAge: 1000, absoluteTimeout: 300, rolling: true });
    const login = await client.post("/s/login");
    assert.equal(login.cookie("lauren_session")?.maxAge, 300);
    clock.now = NOW + 200;
    const later = await client.get("/s/me", { cookies: { lauren_session: login.cookie("lauren_session")?.value as string } });
    assert.equal(later.cookie("lauren_session")?.maxAge, 100);
  });

  test("a long absolute lifetime leaves Max-Age at maxAge", async () => {
    const { client } = setup({ maxAge: 1000, absoluteTimeout: 5000 });
    assert.equal((await client.post("/s/login")).cookie("lauren_session")?.maxAge, 1000);
  });

  test("the server-side TTL is cut to what the lifetime leaves, and an ended session's row is deleted", async () => {
    const store = new CountingStore();
    const { clock, client } = setup({ store, maxAge: 1000, absoluteTimeout: 300 });
    const cookie = (await client.post("/s/login")).cookie("lauren_session")?.value as string;
    assert.equal(store.saves.at(-1)?.opts.ttl, 300);
    clock.now = NOW + 250;
    await client.post("/s/touch", { cookies: { lauren_session: cookie } });
    assert.equal(store.saves.at(-1)?.opts.ttl, 50);
    clock.now = NOW + 300;
    const deletes = store.deletes;
    assert.deepEqual((await client.get("/s/me", { cookies: { lauren_session: cookie } })).json(), { user: null });
    assert.equal(store.deletes, deletes + 1, "the store (on its own clock) still had it; the engine deleted it");
    assert.equal(await store.peek(cookie.slice(0, 43)), null);
  });

  test("a session from before the option was turned on starts its clock at its next request", async () => {
    const store = new CountingStore();
    const clock = new Clock();
    const before = new TestClient(
      LaurenFactory.create(LifetimeModule, { logger: false, sessions: { secret: SECRET, store, clock: clock.read } }),
    );
    const cookie = (await before.post("/s/login")).cookie("lauren_session")?.value as string;
    const after = new TestClient(
      LaurenFactory.create(LifetimeModule, { logger: false, sessions: { secret: SECRET, store, clock: clock.read, absoluteTimeout: 100 } }),
    );
    clock.now = NOW + 50;
    assert.deepEqual((await after.get("/s/me", { cookies: { lauren_session: cookie } })).json(), { user: 7 });
    assert.equal((await store.peek(cookie.slice(0, 43)))?._created, NOW + 50);
    clock.now = NOW + 149;
    assert.deepEqual((await after.get("/s/me", { cookies: { lauren_session: cookie } })).json(), { user: 7 });
    clock.now = NOW + 150;
    assert.deepEqual((await after.get("/s/me", { cookies: { lauren_session: cookie } })).json(), { user: null });
  });

  test("without the option no creation time is stored", async () => {
    const store = new CountingStore();
    const { client } = setup({ store });
    const cookie = (await client.post("/s/login")).cookie("lauren_session")?.value as string;
    assert.deepEqual(await store.peek(cookie.slice(0, 43)), { user_id: 7 });
  });
});

describe("absoluteTimeout is validated at start-up", () => {
  const cases: Array<[Partial<SessionOptions>, RegExp]> = [
    [{ absoluteTimeout: 0 }, /absoluteTimeout must be a positive whole number/],
    [{ absoluteTimeout: 1.5 }, /absoluteTimeout must be a positive whole number/],
    [{ absoluteTimeout: "3600" as never }, /absoluteTimeout must be a positive whole number/],
    [{ absoluteTimeout: 600, idleTimeout: 900 }, /absoluteTimeout \(600 s\) must be longer than idleTimeout \(900 s\)/],
    [{ absoluteTimeout: 900, idleTimeout: 900 }, /must be longer than idleTimeout/],
  ];
  for (const [options, message] of cases) {
    test(`refuses ${JSON.stringify(options)}`, () => {
      assert.throws(
        () => LaurenFactory.create(LifetimeModule, { logger: false, sessions: { secret: SECRET, ...options } }),
        (error: unknown) => error instanceof SessionConfigError && error instanceof StartupError && message.test(error.message),
      );
    });
  }

  test("accepts absoluteTimeout alone, or longer than idleTimeout, or with maxAge null", () => {
    for (const options of [
      { absoluteTimeout: 3600 },
      { absoluteTimeout: 28_800, idleTimeout: 1800 },
      { absoluteTimeout: 3600, maxAge: null },
    ]) {
      assert.doesNotThrow(() => LaurenFactory.create(LifetimeModule, { logger: false, sessions: { secret: SECRET, ...options } }));
    }
  });
});
