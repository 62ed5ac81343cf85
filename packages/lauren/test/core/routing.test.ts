import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Ctx, controller, del, get, LaurenFactory, module, post, put, RouteConflictError } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

@controller("/heroes")
class HeroRoutes {
  @get("/")
  list() {
    return [{ id: 1 }];
  }

  @post("/")
  create() {
    return { created: true };
  }

  @get("/new")
  form() {
    return { form: "static wins" };
  }

  @get("/{id}")
  one({ params }: Ctx) {
    return { id: params.id };
  }

  // Same path shape as GET /{id}, different parameter name: each handler sees its own.
  @del("/{heroId}")
  remove({ params }: Ctx) {
    return { removed: params.heroId, id: params.id ?? null };
  }

  @get("/{id}/missions/{missionId}")
  mission({ params }: Ctx) {
    return { id: params.id, missionId: params.missionId };
  }
}

@controller("")
class RootRoutes {
  @get("/")
  home() {
    return { hq: "Hero HQ" };
  }

  @put("/only-put")
  onlyPut() {
    return { put: true };
  }
}

@module({ controllers: [HeroRoutes, RootRoutes] })
class RoutingModule {}

const client = new TestClient(LaurenFactory.create(RoutingModule, { logger: false }));

describe("routing", () => {
  it("maps a controller prefix plus method path to the handler", async () => {
    const res = await client.get("/heroes/");
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), [{ id: 1 }]);
    assert.deepEqual((await client.get("/")).json(), { hq: "Hero HQ" });
  });

  it("treats a path with and without a trailing slash as the same route", async () => {
    assert.deepEqual((await client.get("/heroes")).json(), [{ id: 1 }]);
    assert.deepEqual((await client.get("/heroes/7/")).json(), { id: "7" });
    assert.deepEqual((await client.post("/heroes")).json(), { created: true });
  });

  it("passes {param} segments to the handler as strings", async () => {
    assert.deepEqual((await client.get("/heroes/42")).json(), { id: "42" });
    assert.deepEqual((await client.get("/heroes/3/missions/alpha")).json(), { id: "3", missionId: "alpha" });
  });

  it("prefers a static route over a parameter route of the same shape", async () => {
    assert.deepEqual((await client.get("/heroes/new")).json(), { form: "static wins" });
  });

  it("gives each method its own parameter names when they share a path shape", async () => {
    assert.deepEqual((await client.get("/heroes/5")).json(), { id: "5" });
    assert.deepEqual((await client.delete("/heroes/5")).json(), { removed: "5", id: null });
  });

  it("answers HEAD on a GET route with the GET headers and no body", async () => {
    const get = await client.get("/heroes/");
    const head = await client.head("/heroes/");
    assert.equal(head.status, 200);
    assert.equal(head.header("content-type"), "application/json");
    assert.equal(head.header("content-length"), get.header("content-length"));
    assert.equal(head.text, "");
  });

  it("answers OPTIONS with 204 and the allowed methods", async () => {
    const res = await client.options("/heroes/");
    assert.equal(res.status, 204);
    assert.equal(res.header("allow"), "GET, HEAD, OPTIONS, POST");
    assert.equal(res.text, "");
    const put = await client.options("/only-put");
    assert.equal(put.header("allow"), "OPTIONS, PUT");
  });

  it("answers an unknown path with the 404 route_not_found envelope", async () => {
    const res = await client.get("/nope");
    assert.equal(res.status, 404);
    assert.equal(res.header("content-type"), "application/json");
    assert.equal(res.text, '{"error":{"code":"route_not_found","message":"No route matches GET /nope","detail":{}}}');
  });

  it("answers a known path with a wrong method with 405, detail.allow and an Allow header", async () => {
    const res = await client.delete("/heroes/");
    assert.equal(res.status, 405);
    assert.equal(
      res.text,
      '{"error":{"code":"method_not_allowed","message":"DELETE not allowed for /heroes/","detail":{"allow":["GET","HEAD","OPTIONS","POST"]}}}',
    );
    assert.equal(res.header("allow"), "GET, HEAD, OPTIONS, POST");
  });

  it("does not answer HEAD on a route without GET", async () => {
    const res = await client.head("/only-put");
    assert.equal(res.status, 405);
    assert.equal(res.header("allow"), "OPTIONS, PUT");
  });

  it("echoes the request path without a trailing slash in the 405 message when sent that way", async () => {
    const res = await client.patch("/heroes");
    assert.equal(res.json().error.message, "PATCH not allowed for /heroes");
  });

  it("refuses two routes that differ only by parameter name or trailing slash", () => {
    @controller("/x")
    class Twice {
      @get("/{id}")
      a() {}
      @get("/{name}/")
      b() {}
    }
    @module({ controllers: [Twice] })
    class TwiceModule {}
    assert.throws(() => LaurenFactory.create(TwiceModule, { logger: false }), RouteConflictError);
  });
});
