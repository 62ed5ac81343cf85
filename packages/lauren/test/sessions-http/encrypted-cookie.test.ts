/**
 * EncryptedCookieSessionStore: the session rides in an AES-256-GCM sealed cookie. The
 * client learns nothing from it, any change makes it anonymous, keys rotate like secrets
 * do, and the documented format and test vector are what the code produces.
 */
import assert from "node:assert/strict";
import { createDecipheriv, hkdfSync } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
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
} from "../../src/index.js";
import { CookieCipher } from "../../src/sessions/cipher.js";
import { TestClient } from "../../src/testing/index.js";
import { repoRoot } from "../sessions/helpers.js";
import { Clock, NOW, OTHER_SECRET, SECRET } from "./helpers.js";

@controller("/me")
class MeController {
  @post("/login/{name}")
  login({ session, params }: Ctx) {
    session.regenerateId();
    session.set("user_id", 7);
    session.set("name", params.name);
    return { ok: true };
  }

  @get("/")
  whoami({ session }: Ctx) {
    return { name: session.get("name") ?? null };
  }

  @post("/logout")
  logout({ session }: Ctx) {
    session.invalidate();
    return { farewell: true };
  }

  @post("/stuff/{size}")
  stuff({ session, params }: Ctx) {
    session.set("stuff", "x".repeat(Number(params.size)));
    return { ok: true };
  }
}

@module({ controllers: [MeController] })
class MeModule {}

const SEALED = /^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/;
const HERO = "Captain Lightning";

function setup(sessions: Partial<SessionOptions> = {}) {
  const clock = new Clock();
  const app = LaurenFactory.create(MeModule, {
    logger: false,
    sessions: { secret: SECRET, store: new EncryptedCookieSessionStore(), clock: clock.read, ...sessions },
  });
  return { clock, client: new TestClient(app) };
}

async function login(client: TestClient, name = HERO): Promise<string> {
  const res = await client.post(`/me/login/${encodeURIComponent(name)}`);
  assert.equal(res.status, 200);
  const value = res.cookie("lauren_session")?.value;
  assert.ok(value !== undefined);
  return value;
}

async function nameOf(client: TestClient, cookie: string): Promise<unknown> {
  const res = await client.get("/me/", { cookies: { lauren_session: cookie } });
  assert.equal(res.status, 200);
  return res.json().name;
}

/** Every reading of the cookie an attacker might try: raw, base64/base64url of any part, hex. */
function decodings(cookie: string): string[] {
  const parts = [cookie, ...cookie.split(".")];
  const out: string[] = [];
  for (const part of parts) {
    out.push(part, decodeURIComponent(part));
    for (const encoding of ["base64", "base64url", "hex"] as const) {
      for (let skip = 0; skip < 4; skip++) out.push(Buffer.from(part.slice(skip), encoding).toString("latin1"));
    }
  }
  return out;
}

describe("EncryptedCookieSessionStore", () => {
  test("a login round-trips, and the cookie reveals nothing of the session", async () => {
    const { client } = setup();
    const cookie = await login(client);
    assert.match(cookie, SEALED);
    assert.equal(await nameOf(client, cookie), HERO);
    for (const text of decodings(cookie)) {
      assert.ok(!text.includes("Lightning") && !text.includes("user_id") && !text.includes('"d"'), "plaintext leaked");
    }
  });

  test("a fresh IV per cookie: the same session sealed twice gives unrelated values", async () => {
    const { client } = setup({ rolling: true });
    const cookie = await login(client);
    const a = (await client.get("/me/", { cookies: { lauren_session: cookie } })).cookie("lauren_session")?.value as string;
    const b = (await client.get("/me/", { cookies: { lauren_session: cookie } })).cookie("lauren_session")?.value as string;
    assert.notEqual(a, b);
    const iv = (value: string) =>
      Buffer.from(value.split(".")[2] as string, "base64url")
        .subarray(0, 12)
        .toString("hex");
    assert.notEqual(iv(a), iv(b));
  });

  test("every flipped character, a truncation or an appended character is anonymous (no 5xx, no cookie)", async () => {
    const { client } = setup();
    const cookie = await login(client);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const forgeries = [cookie.slice(0, -1), `${cookie}A`, cookie.replace("v1.", "v2."), cookie.replace("v1.", "")];
    for (let i = 0; i < cookie.length; i++) {
      const c = cookie[i] as string;
      if (c === ".") continue;
      const swapped = alphabet[(alphabet.indexOf(c) + 1) % alphabet.length] as string;
      forgeries.push(cookie.slice(0, i) + swapped + cookie.slice(i + 1));
    }
    for (const forged of forgeries) {
      const res = await client.get("/me/", { cookies: { lauren_session: forged } });
      assert.equal(res.status, 200);
      assert.equal(res.json().name, null, `accepted a forgery at ${forged}`);
      assert.equal(res.headers["set-cookie"], undefined);
    }
  });

  test("a cookie sealed under a secret that is not configured, or a signed-store cookie, is anonymous", async () => {
    const other = setup({ secret: OTHER_SECRET });
    const foreign = await login(other.client);
    const signed = setup({ store: new SignedCookieSessionStore() });
    const signedCookie = await login(signed.client);
    const { client } = setup();
    assert.equal(await nameOf(client, foreign), null);
    assert.equal(await nameOf(client, signedCookie), null);
  });

  test("rotation: the first secret seals, older ones open and the cookie is re-sealed under the newest", async () => {
    const before = setup({ secret: OTHER_SECRET });
    const old = await login(before.client);
    const { client } = setup({ secret: [SECRET, OTHER_SECRET] });
    const res = await client.get("/me/", { cookies: { lauren_session: old } });
    assert.equal(res.json().name, HERO);
    const resealed = res.cookie("lauren_session")?.value as string;
    assert.match(resealed, SEALED);
    assert.notEqual(resealed.split(".")[1], old.split(".")[1], "a new key id");
    const fresh = await login(client);
    assert.equal(fresh.split(".")[1], resealed.split(".")[1]);
    // Once the old secret is dropped, the re-sealed cookie still works; the old one does not.
    const after = setup({ secret: SECRET });
    assert.equal(await nameOf(after.client, resealed), HERO);
    assert.equal(await nameOf(after.client, old), null);
    // A cookie under the current key is a pure read: nothing re-sent.
    assert.equal((await client.get("/me/", { cookies: { lauren_session: fresh } })).headers["set-cookie"], undefined);
  });

  test("the envelope's expiry holds: past maxAge the cookie is anonymous", async () => {
    const { client, clock } = setup({ maxAge: 60 });
    const cookie = await login(client);
    clock.now = NOW + 59;
    assert.equal(await nameOf(client, cookie), HERO);
    clock.now = NOW + 60;
    assert.equal(await nameOf(client, cookie), null);
  });

  test("a sealed cookie beyond maxBytes is 500 session_too_large and nothing is sent", async () => {
    const clock = new Clock();
    const app = LaurenFactory.create(MeModule, {
      logger: false,
      sessions: { secret: SECRET, store: new EncryptedCookieSessionStore({ maxBytes: 300 }), clock: clock.read },
    });
    const client = new TestClient(app);
    assert.equal((await client.post("/me/stuff/100")).status, 200);
    const res = await client.post("/me/stuff/400");
    assert.equal(res.status, 500);
    assert.equal(res.json().error.code, "session_too_large");
    assert.equal(res.json().error.detail.limit, 300);
    assert.ok((res.json().error.detail.size as number) > 300);
    assert.equal(res.headers["set-cookie"], undefined);
  });

  test("with revocation, logout deny-lists the sealed cookie: a replay is anonymous", async () => {
    const { client } = setup({ revocationStore: new InMemoryRevocationStore() });
    const cookie = await login(client);
    assert.equal(await nameOf(client, cookie), HERO);
    const out = await client.post("/me/logout", { cookies: { lauren_session: cookie } });
    assert.equal(out.cookie("lauren_session")?.maxAge, 0);
    assert.equal(await nameOf(client, cookie), null);
  });

  test("maxBytes is validated when the store is built", () => {
    assert.throws(() => new EncryptedCookieSessionStore({ maxBytes: 0 }), SessionConfigError);
  });
});

describe("the documented format", () => {
  const vector = JSON.parse(
    (/<!-- encrypted-cookie-vector -->\s*```json\n([\s\S]*?)```/.exec(
      readFileSync(path.join(repoRoot(), "docs/guides/sessions.md"), "utf8"),
    ) ?? [])[1] ?? "null",
  ) as { secret: string; cookieName: string; key: string; kid: string; iv: string; plaintext: string; cookie: string };

  test("the guide publishes a vector", () => {
    assert.ok(vector !== null, "docs/guides/sessions.md has the encrypted-cookie-vector block");
  });

  test("sealing the vector's payload with its secret and IV reproduces the cookie exactly", () => {
    const cipher = new CookieCipher([Buffer.from(vector.secret, "utf8")], vector.cookieName);
    assert.equal(cipher.seal(Buffer.from(vector.plaintext, "utf8"), Buffer.from(vector.iv, "hex")), vector.cookie);
    assert.equal(cipher.open(vector.cookie)?.plaintext.toString("utf8"), vector.plaintext);
  });

  test("an independent implementation of the written format opens it (HKDF labels, kid, AAD)", () => {
    const secret = Buffer.from(vector.secret, "utf8");
    const key = Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), "lauren session cookie v1: aes-256-gcm key", 32));
    const kid = Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), "lauren session cookie v1: key id", 6)).toString("base64url");
    assert.equal(key.toString("hex"), vector.key);
    assert.equal(kid, vector.kid);
    const [version, cookieKid, body] = vector.cookie.split(".") as [string, string, string];
    assert.equal(version, "v1");
    assert.equal(cookieKid, kid);
    const bytes = Buffer.from(body, "base64url");
    assert.equal(bytes.subarray(0, 12).toString("hex"), vector.iv);
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(`${vector.cookieName}=v1.${kid}`));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
    assert.equal(plain.toString("utf8"), vector.plaintext);
  });

  test("an app configured with the vector's secret reads the vector's cookie", async () => {
    const clock = new Clock(1_767_225_600 - 10);
    const app = LaurenFactory.create(MeModule, {
      logger: false,
      sessions: { secret: vector.secret, store: new EncryptedCookieSessionStore(), clock: clock.read },
    });
    const res = await new TestClient(app).get("/me/", { cookies: { lauren_session: vector.cookie } });
    assert.deepEqual(res.json(), { name: "Volt" });
  });

  test("the AAD binds the cookie name: the same value under another cookie name is anonymous", () => {
    const cipher = new CookieCipher([Buffer.from(vector.secret, "utf8")], "other_session");
    assert.equal(cipher.open(vector.cookie), null);
  });
});
