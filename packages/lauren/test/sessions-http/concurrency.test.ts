/**
 * SESSIONS.md §6 under real concurrency, over real sockets: the session is persisted before
 * the status line leaves, overlapping writers to different keys both persist, a request that
 * raced a logout or a login cannot resurrect the old session, and a flood of sessions stays
 * within the in-memory store's bound.
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
  type LaurenApplication,
  LaurenFactory,
  module,
  post,
  redirect,
  type SessionOptions,
  SignedCookieSessionStore,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { CountingStore, Gate, pairOf, SECRET, send, serve, unsigned, waitUntil } from "./helpers.js";

/** Each test sets the gate its slow handler waits on. */
const slow = { gate: new Gate(), entered: false };

@controller("/c")
class RaceController {
  @get("/")
  whoami({ session }: Ctx) {
    return { isNew: session.isNew, data: session.toJSON() };
  }

  @post("/set/{key}")
  set({ session, params }: Ctx) {
    session.set(params.key as string, true);
    return { ok: true };
  }

  @post("/slow/{key}")
  async slowSet({ session, params }: Ctx) {
    slow.entered = true;
    await slow.gate.opened;
    session.set(params.key as string, true);
    return { ok: true };
  }

  @post("/slow-elevate")
  async slowElevate({ session }: Ctx) {
    slow.entered = true;
    await slow.gate.opened;
    session.regenerateId();
    session.set("elevated", true);
    return { ok: true };
  }

  @post("/login")
  login({ session }: Ctx) {
    session.regenerateId();
    session.set("user_id", 7);
    return { ok: true };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return { farewell: true };
  }

  @post("/set-and-redirect")
  setAndRedirect({ session }: Ctx) {
    session.set("flash", "welcome back");
    return redirect("/c/", 303);
  }

  @get("/feed")
  feed({ session }: Ctx) {
    session.set("subscribed", true);
    return new EventStream(["hello"]);
  }
}

@module({ controllers: [RaceController] })
class RaceModule {}

/** A store whose saves can be held at a gate, and which counts completed saves. */
class HeldStore extends CountingStore {
  hold: Gate | null = null;
  entered = 0;
  completed = 0;
  override async save(id: string, data: Record<string, unknown>, opts: Parameters<CountingStore["save"]>[2]): Promise<boolean> {
    this.entered++;
    if (this.hold !== null) await this.hold.opened;
    const saved = await super.save(id, data, opts);
    this.completed++;
    return saved;
  }
}

async function withServer(sessions: Partial<SessionOptions>, body: (url: string, app: LaurenApplication) => Promise<void>): Promise<void> {
  slow.gate = new Gate();
  slow.entered = false;
  const app = LaurenFactory.create(RaceModule, { logger: false, sessions: { secret: SECRET, ...sessions } });
  const url = await serve(app);
  try {
    await body(url, app);
  } finally {
    slow.gate.open();
    await app.shutdown();
  }
}

async function cookieFrom(url: string, path: string, cookie?: string): Promise<string> {
  const res = await send(`${url}${path}`, { method: "POST", headers: cookie === undefined ? {} : { cookie } });
  const pair = pairOf(res.headers["set-cookie"]);
  assert.ok(pair !== null, `${path} sets the session cookie`);
  return pair;
}

async function whoami(url: string, cookie: string) {
  const res = await send(`${url}/c/`, { headers: { cookie } });
  return { body: JSON.parse(res.text) as { isNew: boolean; data: Record<string, unknown> }, setCookie: res.headers["set-cookie"] };
}

describe("persist before headers", { timeout: 20_000 }, () => {
  test("the response's headers leave only after the store finished saving, so the next request finds the data", async () => {
    const store = new HeldStore();
    await withServer({ store }, async (url) => {
      store.hold = new Gate();
      let headersAt: number | null = null;
      const pending = send(`${url}/c/set/cart`, { method: "POST", onHeaders: () => (headersAt ??= store.completed) });
      await waitUntil(() => store.entered === 1, "the save started");
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(headersAt, null, "no status line while the save is pending");
      store.hold.open();
      const res = await pending;
      assert.equal(headersAt, 1, "the save had completed when the headers arrived");
      const cookie = pairOf(res.headers["set-cookie"]) as string;
      assert.deepEqual((await whoami(url, cookie)).body.data, { cart: true });
    });
  });

  test("a redirect after a write: following it at once finds the session", async () => {
    const store = new HeldStore();
    await withServer({ store }, async (url) => {
      store.hold = new Gate();
      queueMicrotask(() => void waitUntil(() => store.entered === 1, "the save started").then(() => store.hold?.open()));
      const res = await send(`${url}/c/set-and-redirect`, { method: "POST" });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, "/c/");
      const next = await send(`${url}${res.headers.location}`, { headers: { cookie: pairOf(res.headers["set-cookie"]) as string } });
      assert.deepEqual(JSON.parse(next.text), { isNew: false, data: { flash: "welcome back" } });
    });
  });

  test("an event stream's session is saved before its headers, which carry the cookie", async () => {
    const store = new HeldStore();
    await withServer({ store }, async (url) => {
      store.hold = new Gate();
      let atHeaders: { completed: number; cookie: string | null } | null = null;
      const pending = send(`${url}/c/feed`, {
        onHeaders: (headers) => (atHeaders ??= { completed: store.completed, cookie: pairOf(headers["set-cookie"]) }),
      });
      await waitUntil(() => store.entered === 1, "the save started");
      assert.equal(atHeaders, null);
      store.hold.open();
      const res = await pending;
      assert.equal(res.text, "data: hello\n\n");
      const seen = atHeaders as unknown as { completed: number; cookie: string | null };
      assert.equal(seen.completed, 1);
      assert.ok(seen.cookie !== null);
      assert.deepEqual((await whoami(url, seen.cookie)).body.data, { subscribed: true });
    });
  });
});

describe("overlapping requests on one session", { timeout: 20_000 }, () => {
  test("two overlapping requests that change different keys both persist", async () => {
    await withServer({}, async (url) => {
      const cookie = await cookieFrom(url, "/c/set/base");
      const a = send(`${url}/c/slow/a`, { method: "POST", headers: { cookie } });
      await waitUntil(() => slow.entered, "request A loaded the session and is waiting");
      const b = await send(`${url}/c/set/b`, { method: "POST", headers: { cookie } });
      assert.equal(b.status, 200, "B finished while A was still in flight");
      slow.gate.open();
      assert.equal((await a).status, 200);
      assert.deepEqual((await whoami(url, cookie)).body, { isNew: false, data: { base: true, a: true, b: true } });
    });
  });

  for (const rolling of [false, true]) {
    test(`a slow request that loaded the session before a logout does not resurrect it${rolling ? " (rolling)" : ""}`, async () => {
      const store = new CountingStore();
      await withServer({ store, rolling }, async (url) => {
        const cookie = await cookieFrom(url, "/c/login");
        const id = unsigned(cookie.slice(cookie.indexOf("=") + 1));
        const late = send(`${url}/c/slow/last_seen`, { method: "POST", headers: { cookie } });
        await waitUntil(() => slow.entered, "the slow request loaded the session");
        const logout = await send(`${url}/c/logout`, { method: "POST", headers: { cookie } });
        assert.match(String(logout.headers["set-cookie"]), /^lauren_session=; Max-Age=0;/);
        slow.gate.open();
        const res = await late;
        assert.equal(res.status, 200);
        assert.equal(res.headers["set-cookie"], undefined, "no cookie for a session that is gone");
        assert.equal(await store.peek(id), null, "the row stays deleted");
        assert.equal(store.size, 0);
        assert.deepEqual((await whoami(url, cookie)).body, { isNew: true, data: {} });
      });
    });
  }

  const regenerating: Array<[string, () => Partial<SessionOptions>]> = [
    ["server-side", () => ({ store: new CountingStore() })],
    ["stateless with revocation", () => ({ store: new SignedCookieSessionStore(), revocationStore: new InMemoryRevocationStore() })],
  ];
  for (const [kind, options] of regenerating) {
    test(`${kind}: a slow request that regenerates the id after a logout elsewhere does not log the user back in`, async () => {
      const sessions = options();
      await withServer(sessions, async (url) => {
        const cookie = await cookieFrom(url, "/c/login");
        const late = send(`${url}/c/slow-elevate`, { method: "POST", headers: { cookie } });
        await waitUntil(() => slow.entered, "the slow request loaded the session");
        await send(`${url}/c/logout`, { method: "POST", headers: { cookie } });
        slow.gate.open();
        const res = await late;
        assert.equal(res.status, 200);
        assert.equal(res.headers["set-cookie"], undefined, "no new cookie carrying the logged-out session");
        if (sessions.store instanceof CountingStore) assert.equal(sessions.store.size, 0);
        assert.deepEqual((await whoami(url, cookie)).body, { isNew: true, data: {} });
      });
    });
  }

  test("a slow request that loaded the session before a login elsewhere does not bring the old id back", async () => {
    const store = new CountingStore();
    await withServer({ store }, async (url) => {
      const before = await cookieFrom(url, "/c/set/cart");
      const late = send(`${url}/c/slow/late`, { method: "POST", headers: { cookie: before } });
      await waitUntil(() => slow.entered, "the slow request loaded the session");
      const after = await cookieFrom(url, "/c/login", before);
      slow.gate.open();
      assert.equal((await late).headers["set-cookie"], undefined);
      assert.deepEqual((await whoami(url, before)).body, { isNew: true, data: {} });
      assert.deepEqual((await whoami(url, after)).body.data, { cart: true, user_id: 7 });
      assert.equal(store.size, 1);
    });
  });
});

describe("bounded memory", { timeout: 60_000 }, () => {
  test("a flood of 2,000 logins against maxSessions: 100 keeps the store at its bound; recent sessions still work", async () => {
    const store = new InMemorySessionStore({ maxSessions: 100 });
    const client = new TestClient(LaurenFactory.create(RaceModule, { logger: false, sessions: { secret: SECRET, store } }));
    const cookies: string[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(Array.from({ length: 100 }, () => client.post("/c/login")));
      for (const res of responses) cookies.push(res.cookie("lauren_session")?.value as string);
      assert.ok(store.size <= 100, `store.size ${store.size} after batch ${batch}`);
    }
    assert.equal(store.size, 100);
    assert.equal(new Set(cookies).size, 2_000, "every login got its own id");
    const newest = await client.get("/c/", { cookies: { lauren_session: cookies[1_999] as string } });
    assert.deepEqual(newest.json(), { isNew: false, data: { user_id: 7 } });
    const oldest = await client.get("/c/", { cookies: { lauren_session: cookies[0] as string } });
    assert.deepEqual(oldest.json(), { isNew: true, data: {} }, "the least recently used were evicted");
    await client.app.shutdown();
  });
});
