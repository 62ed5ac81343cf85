import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { CookieConfigError, type Ctx, controller, get, LaurenFactory, module, openApiDocument, post } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

const SECRET = "a-very-long-session-secret-for-cookie-tests-0123456789";
const Prefs = z.object({ theme: z.enum(["dark", "light"]), lang: z.string().optional() });
const Signed = z.object({ plan: z.string() });

@controller("/c")
class CookieController {
  @get("/prefs", { cookies: Prefs })
  prefs({ cookies }: Ctx<{ cookies: typeof Prefs }>) {
    return { theme: cookies.theme, lang: cookies.lang ?? null };
  }

  @post("/set")
  set({ setCookie }: Ctx) {
    setCookie("theme", "dark", { maxAge: 3600, httpOnly: false });
    setCookie("note", "a b;c", { path: "/c", domain: "example.com", sameSite: "strict", priority: "high" });
    return { ok: true };
  }

  @post("/set-all")
  setAll(ctx: Ctx) {
    ctx.setCookie("__Host-id", "1", { secure: true, partitioned: true, sameSite: "none", expires: new Date(Date.UTC(2030, 0, 1)) });
    return { ok: true };
  }

  @post("/clear")
  clear(ctx: Ctx) {
    ctx.clearCookie("theme");
    return { ok: true };
  }

  @post("/sign")
  sign(ctx: Ctx) {
    ctx.setCookie("plan", "gold", { signed: true });
    return { ok: true };
  }

  @get("/signed", { cookies: Signed, signedCookies: ["plan"] })
  signed({ cookies }: Ctx<{ cookies: typeof Signed }>) {
    return { plan: cookies.plan };
  }

  @get("/read-signed")
  readSigned(ctx: Ctx) {
    return { plan: ctx.signedCookie("plan") ?? null };
  }

  @post("/unsafe")
  unsafe(ctx: Ctx) {
    ctx.setCookie("x", "1", { sameSite: "none", secure: false });
    return {};
  }
}

@module({ controllers: [CookieController] })
class CookieModule {}

function build() {
  return LaurenFactory.create(CookieModule, { logger: false, sessions: { secret: SECRET }, openapiUrl: "/openapi.json" });
}

describe("declared request cookies", () => {
  const client = new TestClient(build());

  it("arrive parsed and validated", async () => {
    const res = await client.get("/c/prefs", { cookies: { theme: "dark", lang: "fr" } });
    assert.deepEqual(res.json(), { theme: "dark", lang: "fr" });
  });

  it("a missing cookie is a 422 naming it", async () => {
    const res = await client.get("/c/prefs");
    assert.equal(res.status, 422);
    assert.equal(res.json().error.code, "extractor_field_error");
    assert.equal(res.json().error.message, "missing cookie 'theme'");
    assert.equal(res.json().error.detail.field, "theme");
  });

  it("an invalid cookie is a 422 saying why", async () => {
    const res = await client.get("/c/prefs", { cookies: { theme: "pink" } });
    assert.equal(res.status, 422);
    assert.match(res.json().error.message, /^invalid cookie 'theme'/);
  });

  it("are documented as in: cookie parameters", () => {
    const op = openApiDocument(client.app).paths["/c/prefs"]?.get;
    const params = op?.parameters?.map((p) => [p.name, p.in, p.required]);
    assert.deepEqual(params, [
      ["theme", "cookie", true],
      ["lang", "cookie", false],
    ]);
  });
});

describe("response cookies", () => {
  const client = new TestClient(build());

  it("setCookie sends every attribute, with secure defaults", async () => {
    const res = await client.post("/c/set");
    const raw = res.headers["set-cookie"] as string[];
    assert.deepEqual(raw, [
      "theme=dark; Max-Age=3600; Path=/; Secure; SameSite=Lax",
      "note=a%20b%3Bc; Domain=example.com; Path=/c; HttpOnly; Secure; Priority=High; SameSite=Strict",
    ]);
  });

  it("expires, partitioned and SameSite=None are written as asked", async () => {
    const res = await client.post("/c/set-all");
    assert.equal(
      res.header("set-cookie"),
      "__Host-id=1; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; HttpOnly; Secure; Partitioned; SameSite=None",
    );
  });

  it("clearCookie expires the cookie", async () => {
    const res = await client.post("/c/clear");
    assert.equal(
      res.header("set-cookie"),
      "theme=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
    );
  });

  it("unsafe attributes fail in the handler that set them (500, logged), not in the browser", async () => {
    const res = await client.post("/c/unsafe");
    assert.equal(res.status, 500);
    assert.equal(res.header("set-cookie"), undefined);
  });
});

describe("signed cookies", () => {
  const client = new TestClient(build());

  it("round-trip with the app's keys, and a tampered value reads as absent", async () => {
    const set = await client.post("/c/sign");
    const value = set.cookie("plan")?.value as string;
    assert.match(value, /^gold\.[A-Za-z0-9_-]{43}$/);
    assert.deepEqual((await client.get("/c/signed", { cookies: { plan: value } })).json(), { plan: "gold" });
    assert.deepEqual((await client.get("/c/read-signed", { cookies: { plan: value } })).json(), { plan: "gold" });
    const forged = value.replace("gold", "platinum");
    const res = await client.get("/c/signed", { cookies: { plan: forged } });
    assert.equal(res.status, 422);
    assert.equal(res.json().error.message, "missing cookie 'plan'");
    assert.deepEqual((await client.get("/c/read-signed", { cookies: { plan: forged } })).json(), { plan: null });
  });

  it("a value signed for one cookie does not verify under another name", async () => {
    const set = await client.post("/c/sign");
    const value = set.cookie("plan")?.value as string;
    const other = new TestClient(build());
    assert.deepEqual((await other.get("/c/signed", { cookies: { plan: value } })).json(), { plan: "gold" }, "same secret, same name");
    const res = await client.get("/c/read-signed", { cookies: { plan: `gold.${value.split(".")[1]?.replace(/^./, "A")}` } });
    assert.deepEqual(res.json(), { plan: null });
  });

  it("a different secret does not verify", async () => {
    const set = await client.post("/c/sign");
    const value = set.cookie("plan")?.value as string;
    const app = LaurenFactory.create(CookieModule, { logger: false, sessions: { secret: `${SECRET}-other` } });
    const res = await new TestClient(app).get("/c/read-signed", { cookies: { plan: value } });
    assert.deepEqual(res.json(), { plan: null });
  });
});

describe("cookie settings at start-up", () => {
  it("SameSite=None without Secure in the app's defaults stops create()", () => {
    assert.throws(
      () => LaurenFactory.create(CookieModule, { logger: false, cookies: { defaults: { sameSite: "none", secure: false } } }),
      (err: unknown) => err instanceof CookieConfigError && /requires secure: true/.test(err.message),
    );
  });

  it("a short cookie secret stops create()", () => {
    assert.throws(() => LaurenFactory.create(CookieModule, { logger: false, cookies: { secret: "short" } }), /at least 32 random bytes/);
  });

  it("defaults apply to every cookie (local development over plain HTTP)", async () => {
    const app = LaurenFactory.create(CookieModule, { logger: false, cookies: { defaults: { secure: false } } });
    const res = await new TestClient(app).post("/c/clear");
    assert.equal(res.header("set-cookie"), "theme=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax");
  });

  it("signed cookies without any key fail with a message saying how to add one", async () => {
    const app = LaurenFactory.create(CookieModule, { logger: false });
    const res = await new TestClient(app).post("/c/sign");
    assert.equal(res.status, 500);
  });
});
