import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { type Ctx, controller, get, inject, injectable, LaurenFactory, module, post, postConstruct, reply } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

@injectable()
class Reactor {
  online = false;
  readonly log: string[] = [];

  @postConstruct
  async powerUp(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.online = true;
  }
}

const Note = z.object({ text: z.string() });

@controller("/tc")
class ClientController {
  readonly reactor = inject(Reactor);

  @post("/echo", { body: Note })
  echo({ body, request }: Ctx<{ body: typeof Note }>) {
    return { text: body.text, contentType: request.header("content-type") ?? null };
  }

  @get("/inspect")
  inspect({ request, cookies, query }: Ctx) {
    return {
      team: request.header("x-team") ?? null,
      hero: cookies.hero ?? null,
      sidekick: cookies.sidekick ?? null,
      query: { ...query },
    };
  }

  @get("/cookies")
  setCookies() {
    return reply(
      { ok: true },
      {
        headers: {
          "set-cookie": ["hero=Volt; Max-Age=60; Path=/; HttpOnly; SameSite=Lax", "sidekick=Spark; Domain=example.com; Secure"],
          "x-multi": ["a", "b"],
        },
      },
    );
  }

  @get("/status")
  status() {
    return { online: this.reactor.online };
  }

  @post("/dispatch")
  dispatch({ tasks }: Ctx) {
    tasks.add(async (who: string) => {
      await new Promise((resolve) => setImmediate(resolve));
      this.reactor.log.push(who);
    }, "Volt");
    return reply({ dispatched: "Volt" }, { status: 202 });
  }
}

@module({ controllers: [ClientController], providers: [Reactor] })
class ClientModule {}

describe("TestClient", () => {
  it("sends json with a JSON content type and exposes status, text and json()", async () => {
    const client = new TestClient(LaurenFactory.create(ClientModule, { logger: false }));
    const res = await client.post("/tc/echo", { json: { text: "hi" } });
    assert.equal(res.status, 200);
    assert.equal(res.text, '{"text":"hi","contentType":"application/json"}');
    assert.deepEqual(res.json(), { text: "hi", contentType: "application/json" });
  });

  it("sends headers, cookies and query parameters", async () => {
    const client = new TestClient(LaurenFactory.create(ClientModule, { logger: false }));
    const res = await client.get("/tc/inspect", {
      headers: { "X-Team": "avengers" },
      cookies: { hero: "Volt", sidekick: "Spark" },
      query: { sector: "7", tag: ["a", "b"] },
    });
    assert.deepEqual(res.json(), { team: "avengers", hero: "Volt", sidekick: "Spark", query: { sector: "7", tag: ["a", "b"] } });
  });

  it("reads headers case-insensitively and parses each Set-Cookie with its attributes", async () => {
    const client = new TestClient(LaurenFactory.create(ClientModule, { logger: false }));
    const res = await client.get("/tc/cookies");
    assert.equal(res.header("Content-Type"), "application/json");
    assert.equal(res.header("x-multi"), "a, b");
    assert.equal(res.header("x-absent"), undefined);
    assert.equal(res.cookies.length, 2);
    const hero = res.cookie("hero");
    assert.ok(hero !== undefined);
    assert.equal(hero.value, "Volt");
    assert.equal(hero.maxAge, 60);
    assert.equal(hero.path, "/");
    assert.equal(hero.httpOnly, true);
    assert.equal(hero.secure, false);
    assert.equal(hero.sameSite, "Lax");
    const sidekick = res.cookie("sidekick");
    assert.equal(sidekick?.domain, "example.com");
    assert.equal(sidekick?.secure, true);
    assert.equal(sidekick?.maxAge, undefined);
    assert.equal(res.cookie("nobody"), undefined);
  });

  it("runs @postConstruct hooks before the first request", async () => {
    const app = LaurenFactory.create(ClientModule, { logger: false });
    assert.equal(app.get(Reactor).online, false);
    const res = await new TestClient(app).get("/tc/status");
    assert.deepEqual(res.json(), { online: true });
  });

  it("returns only after the request's background tasks have run", async () => {
    const app = LaurenFactory.create(ClientModule, { logger: false });
    const client = new TestClient(app);
    const res = await client.post("/tc/dispatch");
    assert.equal(res.status, 202);
    assert.deepEqual(res.json(), { dispatched: "Volt" });
    assert.deepEqual(app.get(Reactor).log, ["Volt"]);
  });

  it("keeps and sends back cookies when the jar is on", async () => {
    const client = new TestClient(LaurenFactory.create(ClientModule, { logger: false }), { cookieJar: true });
    await client.get("/tc/cookies");
    const res = await client.get("/tc/inspect");
    assert.equal(res.json().hero, "Volt");
    assert.equal(res.json().sidekick, "Spark");
  });
});
