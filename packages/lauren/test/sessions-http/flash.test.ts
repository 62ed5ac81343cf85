/**
 * Flash values: set by one request, read once by the next request that takes them, then
 * gone; invisible to the request that sets them; untaken ones wait; the same with every store.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Ctx,
  controller,
  EncryptedCookieSessionStore,
  get,
  LaurenFactory,
  module,
  post,
  type SessionOptions,
  SignedCookieSessionStore,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { CountingStore, SECRET } from "./helpers.js";

@controller("/notes")
class NotesController {
  @post("/save")
  save({ session }: Ctx) {
    session.set("user_id", 7);
    session.flash("notice", "Saved");
    session.flash("count", 3);
    return { seenNow: session.takeFlash("notice") ?? null };
  }

  @get("/notice")
  notice({ session }: Ctx) {
    return { notice: session.takeFlash("notice") ?? null };
  }

  @get("/all")
  all({ session }: Ctx) {
    return session.takeFlashes();
  }

  @get("/peek")
  peek({ session }: Ctx) {
    return { user: session.get("user_id") ?? null };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.flash("notice", "Bye");
    session.invalidate();
    return {};
  }
}

@module({ controllers: [NotesController] })
class NotesModule {}

const stores: Array<[string, () => Partial<SessionOptions>]> = [
  ["in-memory", () => ({})],
  ["signed cookie", () => ({ store: new SignedCookieSessionStore() })],
  ["encrypted cookie", () => ({ store: new EncryptedCookieSessionStore() })],
];

for (const [name, options] of stores) {
  describe(`flash with the ${name} store`, () => {
    test("set now, invisible now, read once on the next request that takes it, then gone", async () => {
      const client = new TestClient(LaurenFactory.create(NotesModule, { logger: false, sessions: { secret: SECRET, ...options() } }), {
        cookieJar: true,
      });
      assert.deepEqual((await client.post("/notes/save")).json(), { seenNow: null });
      assert.deepEqual((await client.get("/notes/peek")).json(), { user: 7 }, "a request that does not take it leaves it");
      assert.deepEqual((await client.get("/notes/notice")).json(), { notice: "Saved" });
      assert.deepEqual((await client.get("/notes/notice")).json(), { notice: null }, "read once");
      assert.deepEqual((await client.get("/notes/all")).json(), { count: 3 }, "the other key waited");
      assert.deepEqual((await client.get("/notes/all")).json(), {});
      assert.deepEqual((await client.get("/notes/peek")).json(), { user: 7 }, "session data is untouched");
    });
  });
}

describe("flash and persistence", () => {
  test("a request that does not take flash values writes nothing and sends no cookie", async () => {
    const store = new CountingStore();
    const client = new TestClient(LaurenFactory.create(NotesModule, { logger: false, sessions: { secret: SECRET, store } }));
    const cookie = (await client.post("/notes/save")).cookie("lauren_session")?.value as string;
    const saves = store.saves.length;
    const peek = await client.get("/notes/peek", { cookies: { lauren_session: cookie } });
    assert.equal(peek.headers["set-cookie"], undefined);
    assert.equal(store.saves.length, saves);
    await client.get("/notes/notice", { cookies: { lauren_session: cookie } });
    assert.equal(store.saves.length, saves + 1, "taking one is a write");
    assert.deepEqual(store.saves.at(-1)?.opts.changed, ["_flash"]);
    await client.get("/notes/all", { cookies: { lauren_session: cookie } });
    assert.deepEqual(store.saves.at(-1)?.opts.deleted, ["_flash"], "the last one taken removes the key");
    assert.deepEqual(await store.peek(cookie.slice(0, 43)), { user_id: 7 });
  });

  test("invalidate() drops flash values with the rest of the session", async () => {
    const client = new TestClient(LaurenFactory.create(NotesModule, { logger: false, sessions: { secret: SECRET } }), { cookieJar: true });
    await client.post("/notes/save");
    await client.post("/notes/logout");
    assert.deepEqual((await client.get("/notes/all")).json(), {});
  });
});
