import assert from "node:assert/strict";
import { test } from "node:test";
import { type Ctx, controller, del, get, LaurenFactory, module } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

@controller("/heroes")
class HeroesController {
  @get("/new")
  form() {
    return { form: true };
  }

  @del("/{id}")
  remove({ params }: Ctx) {
    return { removed: params.id };
  }

  @get("/{hero_id}")
  one({ params }: Ctx) {
    return { hero: params.hero_id };
  }
}

@module({ controllers: [HeroesController] })
class HeroesModule {}

const client = new TestClient(LaurenFactory.create(HeroesModule, { logger: false }));

test("a static path that lacks the method falls back to the parameter route of that method", async () => {
  const res = await client.delete("/heroes/new");
  assert.equal(res.status, 200);
  assert.deepEqual(res.json(), { removed: "new" });
});

test("the static route still wins for its own method", async () => {
  assert.deepEqual((await client.get("/heroes/new")).json(), { form: true });
});

test("routes of one path shape may name their parameter differently per method", async () => {
  assert.deepEqual((await client.get("/heroes/7")).json(), { hero: "7" });
  assert.deepEqual((await client.delete("/heroes/7")).json(), { removed: "7" });
});

test("a method no route of the path has is a 405 listing the allowed ones", async () => {
  const res = await client.put("/heroes/7");
  assert.equal(res.status, 405);
  assert.equal(res.header("allow"), "DELETE, GET, HEAD, OPTIONS");
});
