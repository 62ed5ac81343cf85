/**
 * SESSIONS.md §5 through the app: whatever arrives in the Cookie header, a bad cookie is an
 * anonymous 200 without Set-Cookie (never a 5xx) and reaches the store only when it is a
 * validly signed id; older secrets are re-signed; bad rows are dropped; reads keep an idle
 * session alive.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Ctx, controller, get, LaurenFactory, module, post, type SessionOptions, SignedCookieSessionStore } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { Clock, CountingStore, MemoryLogger, NOW, OTHER_SECRET, SECRET, sign, unsigned } from "./helpers.js";

@controller("/who")
class WhoController {
  @get("/")
  whoami({ session }: Ctx) {
    return { isNew: session.isNew, data: session.toJSON() };
  }

  @post("/login")
  login({ session }: Ctx) {
    session.regenerateId();
    session.set("hero_id", 1);
    return { ok: true };
  }

  @get("/prototype")
  prototype({ session }: Ctx) {
    return { polluted: ({} as Record<string, unknown>).polluted ?? null, keys: [...session.keys()], hero: session.get("hero_id") ?? null };
  }
}

@module({ controllers: [WhoController] })
class WhoModule {}

function appWith(sessions: Partial<SessionOptions>, logger: MemoryLogger | false = false) {
  return LaurenFactory.create(WhoModule, { logger, sessions: { secret: SECRET, ...sessions } });
}

async function loginCookie(client: TestClient): Promise<string> {
  const value = (await client.post("/who/login")).cookie("lauren_session")?.value;
  assert.ok(value !== undefined, "login sets the cookie");
  return value;
}

const ANONYMOUS = { isNew: true, data: {} };
const b64 = (text: string): string => Buffer.from(text).toString("base64url");

async function assertAnonymous(client: TestClient, cookieHeader: string, label: string): Promise<void> {
  const res = await client.get("/who/", { headers: { cookie: cookieHeader } });
  assert.equal(res.status, 200, `${label}: status`);
  assert.deepEqual(res.json(), ANONYMOUS, `${label}: anonymous`);
  assert.equal(res.headers["set-cookie"], undefined, `${label}: no Set-Cookie`);
}

describe("loading a server-side session", () => {
  test("garbage, tampered, foreign, oversized and duplicate cookies are anonymous 200s that never reach the store", async () => {
    const store = new CountingStore();
    const client = new TestClient(appWith({ store }));
    const valid = await loginCookie(client);
    const id = unsigned(valid);
    const sig = valid.slice(id.length + 1);
    const flip = (s: string, at: number): string => s.slice(0, at) + (s[at] === "a" ? "b" : "a") + s.slice(at + 1);
    const hostile: Array<[string, string]> = [
      ["empty value", "lauren_session="],
      ["no separator", "lauren_session=garbage"],
      ["only a dot", "lauren_session=."],
      ["short junk", "lauren_session=abc.def"],
      ["a zeroed signature", `lauren_session=${id}.${"0".repeat(64)}`],
      ["the id changed, signature kept", `lauren_session=${flip(id, 5)}.${sig}`],
      ["the signature changed", `lauren_session=${id}.${flip(sig, 63)}`],
      ["an uppercase signature", `lauren_session=${id}.${sig.toUpperCase()}`],
      ["a truncated signature", `lauren_session=${id}.${sig.slice(0, 62)}`],
      ["signed by another app", `lauren_session=${sign(id, OTHER_SECRET)}`],
      ["suffix after the signature", `lauren_session=${valid}.x`],
      ["double-quoted", `lauren_session="${valid}"`],
      ["validly signed, but not an id", `lauren_session=${sign("not-a-session-id", SECRET)}`],
      ["validly signed, id with a bad character", `lauren_session=${sign(`${id.slice(0, 42)}!`, SECRET)}`],
      ["validly signed, but over 4096 bytes", `lauren_session=${sign("a".repeat(4100), SECRET)}`],
      ["the valid cookie twice", `lauren_session=${valid}; lauren_session=${valid}`],
      ["a valid cookie and a planted one", `lauren_session=${sign("x".repeat(43), OTHER_SECRET)}; lauren_session=${valid}`],
      ["percent-encoded junk", "lauren_session=%00%ff%0d%0a"],
      ["a wrongly cased name", `Lauren_Session=${valid}`],
      ["a header of many empty pairs", `${";".repeat(2000)}a=b`],
    ];
    store.loads = 0;
    for (const [label, header] of hostile) await assertAnonymous(client, header, label);
    assert.equal(store.loads, 0, "no hostile cookie reached the store");
    assert.equal(store.saves.length, 1, "and none was written (only the login)");

    // Control: the same client with the genuine cookie, surrounded by other cookies and blanks.
    const ok = await client.get("/who/", { headers: { cookie: `theme=dark;  lauren_session=${valid} ; lang=en` } });
    assert.deepEqual(ok.json(), { isNew: false, data: { hero_id: 1 } });
    assert.equal(store.loads, 1);
  });

  test("a validly signed id the store does not know is anonymous and creates no row", async () => {
    const store = new CountingStore();
    const client = new TestClient(appWith({ store }));
    await assertAnonymous(client, `lauren_session=${sign("A".repeat(43), SECRET)}`, "unknown id");
    assert.equal(store.loads, 1, "one lookup");
    assert.equal(store.size, 0, "no row was created");
    assert.equal(store.saves.length, 0);
  });

  test("a cookie signed with an older secret is accepted and re-issued, signed by the current one", async () => {
    const store = new CountingStore();
    const before = new TestClient(appWith({ store, secret: OTHER_SECRET }));
    const old = await loginCookie(before);
    const after = new TestClient(appWith({ store, secret: [SECRET, OTHER_SECRET] }));

    const first = await after.get("/who/", { cookies: { lauren_session: old } });
    assert.deepEqual(first.json(), { isNew: false, data: { hero_id: 1 } });
    const reissued = first.cookie("lauren_session");
    assert.ok(reissued !== undefined, "the response re-issues the cookie");
    assert.equal(reissued.value, sign(unsigned(old), SECRET), "same id, current secret");
    assert.match(reissued.raw, /; Max-Age=1209600; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    assert.equal(store.saves.length, 1, "re-signing writes nothing to the store");

    const second = await after.get("/who/", { cookies: { lauren_session: reissued.value } });
    assert.deepEqual(second.json(), { isNew: false, data: { hero_id: 1 } });
    assert.equal(second.headers["set-cookie"], undefined, "a current cookie is not re-issued");

    // Once the old secret is dropped from the list, old cookies stop working.
    await assertAnonymous(new TestClient(appWith({ store, secret: SECRET })), `lauren_session=${old}`, "retired secret");
  });

  test("a row that is not a plain object is deleted, logged and never trusted", async () => {
    class CorruptStore extends CountingStore {
      override load(_id: string): Promise<Record<string, unknown> | null> {
        this.loads++;
        return Promise.resolve(["not", "a", "session"] as unknown as Record<string, unknown>);
      }
    }
    const store = new CorruptStore();
    const logger = new MemoryLogger();
    const client = new TestClient(appWith({ store }, logger));
    const value = await loginCookie(client);
    await assertAnonymous(client, `lauren_session=${value}`, "corrupt row");
    assert.equal(store.deletes, 1, "the row was deleted");
    assert.ok(logger.entries.some((e) => e.level === "warn" && /not a plain object/.test(e.message)));
  });

  test("a row carrying __proto__ cannot pollute prototypes", async () => {
    class HostileStore extends CountingStore {
      override load(): Promise<Record<string, unknown> | null> {
        return Promise.resolve(JSON.parse('{"hero_id":1,"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'));
      }
    }
    const client = new TestClient(appWith({ store: new HostileStore() }));
    const value = await loginCookie(client);
    const res = await client.get("/who/prototype", { cookies: { lauren_session: value } });
    assert.equal(res.json().polluted, null);
    assert.equal(res.json().hero, 1);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe("loading a stateless cookie session", () => {
  test("bad signatures, undecodable, non-object, wrong-shaped and expired envelopes are anonymous", async () => {
    const clock = new Clock();
    const client = new TestClient(appWith({ store: new SignedCookieSessionStore(), clock: clock.read }));
    const valid = await loginCookie(client);
    const x = NOW + 60;
    const cases: Array<[string, string]> = [
      ["payload changed, signature kept", `${b64(`{"d":{"hero_id":2},"x":${x}.0}`)}.${valid.slice(valid.lastIndexOf(".") + 1)}`],
      ["signed by another app", sign(b64(`{"d":{"hero_id":2},"x":${x}.0}`), OTHER_SECRET)],
      ["not base64 JSON", sign("!!!not-base64!!!", SECRET)],
      ["JSON that is not an object", sign(b64("[1,2,3]"), SECRET)],
      ["data that is not an object", sign(b64(`{"d":[1],"x":${x}.0}`), SECRET)],
      ["an expiry that is not a number", sign(b64(`{"d":{"hero_id":2},"x":"later"}`), SECRET)],
      ["expired a second ago", sign(b64(`{"d":{"hero_id":2},"x":${NOW - 1}.0}`), SECRET)],
      ["expiring right now", sign(b64(`{"d":{"hero_id":2},"x":${NOW}.0}`), SECRET)],
      ["invalid UTF-8", sign(Buffer.from([0x7b, 0xff, 0x7d]).toString("base64url"), SECRET)],
    ];
    for (const [label, value] of cases) await assertAnonymous(client, `lauren_session=${value}`, label);
    const ok = await client.get("/who/", { cookies: { lauren_session: sign(b64(`{"d":{"hero_id":2},"x":${x}.0}`), SECRET) } });
    assert.deepEqual(ok.json(), { isNew: false, data: { hero_id: 2 } }, "control: a well-formed envelope loads");
  });

  test("an envelope signed by an older secret is re-issued under the current one with the same data", async () => {
    const clock = new Clock();
    const old = await loginCookie(
      new TestClient(appWith({ store: new SignedCookieSessionStore(), secret: OTHER_SECRET, clock: clock.read })),
    );
    const client = new TestClient(appWith({ store: new SignedCookieSessionStore(), secret: [SECRET, OTHER_SECRET], clock: clock.read }));
    const res = await client.get("/who/", { cookies: { lauren_session: old } });
    assert.deepEqual(res.json(), { isNew: false, data: { hero_id: 1 } });
    assert.equal(res.cookie("lauren_session")?.value, sign(unsigned(old), SECRET));
  });
});

describe("idleTimeout slides on reads", () => {
  test("server-side: reads keep the session alive, refreshing the TTL only past half the window and never writing data", async () => {
    const clock = new Clock();
    const store = new CountingStore({ clock: clock.read });
    const client = new TestClient(appWith({ store, idleTimeout: 100, clock: clock.read }));
    const value = await loginCookie(client);
    assert.equal(store.saves[0]?.opts.ttl, 100, "saved with the idle window as TTL");
    const read = async () => client.get("/who/", { cookies: { lauren_session: value } });

    clock.now += 40;
    let res = await read();
    assert.equal(res.json().isNew, false);
    assert.equal(store.touches, 0, "more than half the window left: no refresh");
    clock.now += 20;
    res = await read();
    assert.equal(store.touches, 1, "less than half left: refreshed");
    assert.equal(res.headers["set-cookie"], undefined, "the id did not change, so no cookie");
    clock.now += 90; // 150 s after login, 90 s after the last refresh
    assert.equal((await read()).json().isNew, false, "alive thanks to the reads");
    assert.equal(store.saves.length, 1, "no read wrote data");

    clock.now += 100;
    const idle = await read();
    assert.deepEqual(idle.json(), ANONYMOUS, "100 idle seconds end it");
    assert.equal(idle.headers["set-cookie"], undefined);
  });

  test("without any request, the session dies after idleTimeout even though maxAge is far away", async () => {
    const clock = new Clock();
    const client = new TestClient(appWith({ idleTimeout: 100, clock: clock.read }));
    const value = await loginCookie(client);
    clock.now += 100;
    await assertAnonymous(client, `lauren_session=${value}`, "idle");
  });

  test("stateless: a read past half the window re-issues the envelope with a fresh expiry; the stale cookie then expires", async () => {
    const clock = new Clock();
    const client = new TestClient(appWith({ store: new SignedCookieSessionStore(), idleTimeout: 100, clock: clock.read }));
    const first = await loginCookie(client);
    clock.now += 40;
    assert.equal((await client.get("/who/", { cookies: { lauren_session: first } })).headers["set-cookie"], undefined);
    clock.now += 20;
    const refreshed = (await client.get("/who/", { cookies: { lauren_session: first } })).cookie("lauren_session");
    assert.ok(refreshed !== undefined, "re-issued");
    const envelope = JSON.parse(Buffer.from(unsigned(refreshed.value), "base64url").toString());
    assert.equal(envelope.x, NOW + 160);
    clock.now += 90;
    assert.equal((await client.get("/who/", { cookies: { lauren_session: refreshed.value } })).json().isNew, false);
    await assertAnonymous(client, `lauren_session=${first}`, "the cookie that was not refreshed");
  });
});
