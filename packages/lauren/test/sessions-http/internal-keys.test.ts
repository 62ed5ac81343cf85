/**
 * Lauren's own session keys (`_flash`, `_csrf_token`, `_created`) are stored and saved like
 * any key, so flash, the synchronizer token and the absolute lifetime work with every store,
 * but the public view of the session (get, has, keys, entries, size, toJSON, the WebSocket
 * read-only session, a user's session list) shows the app's data only, and set/delete refuse them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Ctx,
  controller,
  get,
  inject,
  LaurenFactory,
  module,
  onConnect,
  post,
  type ReadonlySession,
  Session,
  UserSessions,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { TestClient, WsTestClient } from "../../src/testing/index.js";
import { CountingStore, SECRET } from "./helpers.js";

function view(session: ReadonlySession) {
  return {
    keys: [...session.keys()],
    entries: [...session.entries()],
    size: session.size,
    json: JSON.stringify(session),
    has: ["_flash", "_csrf_token", "_created"].map((key) => session.has(key)),
  };
}

@controller("/k")
class KeysController {
  private readonly sessions = inject(UserSessions);

  @post("/login")
  login({ session }: Ctx) {
    session.regenerateId();
    session.set("user_id", 7);
    session.csrfToken();
    session.flash("notice", "welcome");
    return { ok: true };
  }

  @get("/view")
  view({ session }: Ctx) {
    return { ...view(session), get: (["_flash", "_csrf_token", "_created"] as const).map((key) => session.get(key as never) ?? null) };
  }

  @post("/write")
  write({ session, query }: Ctx) {
    const key = String(query.key);
    try {
      if (query.op === "delete") session.delete(key as never);
      else session.set(key as never, "forged" as never);
      return { refused: false };
    } catch (error) {
      return { refused: error instanceof TypeError, message: (error as Error).message };
    }
  }

  @get("/list")
  async list({ session }: Ctx) {
    return (await this.sessions.list(7, session)).map((s) => s.data);
  }
}

@wsController("/k/live")
class KeysGateway {
  @onConnect
  hello(ctx: WsCtx) {
    ctx.ws.send(JSON.stringify(view(ctx.session)));
  }
}

@module({ controllers: [KeysController, KeysGateway] })
class KeysModule {}

function app(store: CountingStore) {
  return LaurenFactory.create(KeysModule, {
    logger: false,
    sessions: { secret: SECRET, secure: false, store, absoluteTimeout: 86_400, crossOrigin: { token: false } },
  });
}

const APP_ONLY = {
  keys: ["user_id"],
  entries: [["user_id", 7]],
  size: 1,
  json: '{"user_id":7}',
  has: [false, false, false],
};

describe("Lauren's internal session keys", () => {
  test("are kept in the store but hidden from every public read of the session", async () => {
    const store = new CountingStore();
    const client = new TestClient(app(store));
    const cookie = (await client.post("/k/login")).cookie("lauren_session")?.value as string;
    const stored = (await store.peek(cookie.slice(0, 43))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(stored).sort(), ["_created", "_csrf_token", "_flash", "user_id"], "all stored");
    const res = await client.get("/k/view", { cookies: { lauren_session: cookie } });
    assert.deepEqual(res.json(), { ...APP_ONLY, get: [null, null, null] });
  });

  test("are hidden from the read-only session of a WebSocket and from a user's session list", async () => {
    const store = new CountingStore();
    const application = app(store);
    const client = new TestClient(application);
    const cookie = (await client.post("/k/login")).cookie("lauren_session")?.value as string;
    assert.deepEqual((await client.get("/k/list", { cookies: { lauren_session: cookie } })).json(), [{ user_id: 7 }]);
    const ws = new WsTestClient(application);
    try {
      const socket = await ws.connect("/k/live", { cookies: { lauren_session: cookie } });
      assert.deepEqual(await socket.receiveJson(), APP_ONLY);
    } finally {
      await ws.close();
    }
  });

  test("cannot be written or deleted by the app: a TypeError names the key and the API to use", async () => {
    const store = new CountingStore();
    const client = new TestClient(app(store));
    const cookie = (await client.post("/k/login")).cookie("lauren_session")?.value as string;
    for (const [key, op, hint] of [
      ["_flash", "set", /session\.flash\(\)/],
      ["_csrf_token", "delete", /session\.csrfToken\(\)/],
      ["_created", "set", /absoluteTimeout/],
    ] as const) {
      const res = (await client.post(`/k/write?key=${key}&op=${op}`, { cookies: { lauren_session: cookie } })).json();
      assert.equal(res.refused, true, key);
      assert.match(res.message, new RegExp(`session\\.${op}\\("${key}"\\): the key ${key} is reserved`));
      assert.match(res.message, hint);
    }
    const stored = (await store.peek(cookie.slice(0, 43))) as Record<string, unknown>;
    assert.equal(typeof stored._csrf_token, "string", "still there");
    assert.deepEqual(stored._flash, { notice: "welcome" });
    const plain = (await client.post("/k/write?key=_mine&op=set", { cookies: { lauren_session: cookie } })).json();
    assert.equal(plain.refused, false, "other keys starting with _ are the app's own");
  });

  test("a detached session hides them the same way and clear() still drops them", () => {
    const session = new Session({ user_id: 7, _flash: { notice: "hi" }, _created: 1 } as Record<string, unknown>);
    assert.deepEqual(view(session), APP_ONLY);
    assert.equal(session.takeFlash("notice" as never), "hi");
    session.clear();
    assert.equal(session.size, 0);
    assert.equal(session.takeFlash("notice" as never), undefined);
  });
});
