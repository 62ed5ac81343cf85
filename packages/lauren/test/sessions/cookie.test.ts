import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SignedCookieSessionStore, signValue } from "../../src/sessions/index.js";
import { Clock, cookieValue, makeEngine, request, ScriptedStore, SECRET } from "./helpers.js";

describe("cookie format (SESSIONS.md §4)", () => {
  test("a server-side session cookie is a 43-character base64url id (256 bits) and its signature", async () => {
    const { setCookie } = await request(makeEngine(), null, (s) => s.set("k", 1));
    const value = cookieValue(setCookie);
    const id = value.slice(0, value.lastIndexOf("."));
    assert.match(id, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(id, "base64url").length, 32);
    assert.equal(value, signValue(id, SECRET));
  });

  test("Set-Cookie attributes come in Lauren's order: Max-Age, Path, Domain, Secure, HttpOnly, SameSite", async () => {
    const engine = makeEngine({ secure: true, domain: "example.com", path: "/app", sameSite: "strict", maxAge: 60 });
    const { setCookie } = await request(engine, null, (s) => s.set("k", 1));
    assert.match(
      setCookie as string,
      /^lauren_session=[^;]+; Max-Age=60; Path=\/app; Domain=example\.com; Secure; HttpOnly; SameSite=Strict$/,
    );
  });

  test("httpOnly: false leaves the HttpOnly attribute out", async () => {
    const { setCookie } = await request(makeEngine({ httpOnly: false }), null, (s) => s.set("k", 1));
    assert.match(setCookie as string, /; Path=\/; SameSite=Lax$/);
  });

  test("expiring the cookie repeats its name, path and domain with an empty value and Max-Age=0", async () => {
    const engine = makeEngine({ cookieName: "sid", secure: true, domain: "example.com", path: "/app" });
    const { setCookie } = await request(engine, null, (s) => s.invalidate());
    assert.equal(setCookie, "sid=; Max-Age=0; Path=/app; Domain=example.com; Secure; HttpOnly; SameSite=Lax");
  });

  test("maxAge null sends a browser-session cookie without Max-Age", async () => {
    const { setCookie } = await request(makeEngine({ maxAge: null }), null, (s) => s.set("k", 1));
    assert.match(setCookie as string, /^lauren_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  test("a stateless cookie is base64url of the JSON envelope {d, x}, without padding", async () => {
    const engine = makeEngine({ store: new SignedCookieSessionStore(), clock: new Clock(100).read, maxAge: 50 });
    const value = cookieValue((await request(engine, null, (s) => s.set("k", "v"))).setCookie);
    const payload = value.slice(0, value.lastIndexOf("."));
    assert.match(payload, /^[A-Za-z0-9_-]+$/);
    assert.equal(Buffer.from(payload, "base64url").toString(), '{"d":{"k":"v"},"x":150.0}');
  });
});

describe("reading the Cookie header", () => {
  /** Whether a valid cookie, written into `cookieHeader` where it says VALUE, loads. */
  async function loaded(cookieHeader: string, encode: (value: string) => string = (value) => value): Promise<boolean> {
    const store = new ScriptedStore();
    const engine = makeEngine({ store });
    const { setCookie } = await request(engine, null, (s) => s.set("k", 1));
    const value = encode(cookieValue(setCookie));
    const session = await engine.load(cookieHeader.replaceAll("VALUE", value));
    return !session.isNew;
  }

  test("our cookie is found among others, with whitespace around the name and value", async () => {
    assert.equal(await loaded("a=1; lauren_session=VALUE; b=2"), true);
    assert.equal(await loaded("a=1;lauren_session=VALUE"), true);
    assert.equal(await loaded(" \tlauren_session =  VALUE \t"), true);
  });

  test("a cookie whose name merely contains ours is not ours", async () => {
    assert.equal(await loaded("xlauren_session=VALUE"), false);
    assert.equal(await loaded("lauren_session_old=VALUE"), false);
    assert.equal(await loaded("a=lauren_session=VALUE"), false);
  });

  test("a cookie name that appears twice is ambiguous and the request stays anonymous", async () => {
    assert.equal(await loaded("lauren_session=VALUE; lauren_session=VALUE"), false);
    assert.equal(await loaded("lauren_session=forged; lauren_session=VALUE"), false);
    assert.equal(await loaded("lauren_session; lauren_session=VALUE"), false);
  });

  test("the value is neither URL-decoded nor unquoted", async () => {
    assert.equal(await loaded('lauren_session="VALUE"'), false);
    assert.equal(await loaded("lauren_session=VALUE", (value) => value.replace(".", "%2E")), false);
    assert.equal(await loaded("lauren_session=VALUE", (value) => value.replace(".", ".")), true);
  });

  test("a cookie longer than 4096 characters is ignored without being verified", () => {
    const engine = makeEngine();
    const session = engine.load(`lauren_session=${"a".repeat(4097)}`);
    assert.ok(!(session instanceof Promise));
    assert.equal(session.isNew, true);
  });

  test("a huge header of pairs without '=' is read without error", () => {
    const engine = makeEngine();
    const session = engine.load(`${"lauren_session;".repeat(1)}${"x;".repeat(8000)}`);
    assert.ok(!(session instanceof Promise) && session.isNew);
  });
});
