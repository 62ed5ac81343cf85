import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { Clock, cookieValue, makeEngine, request, ScriptedStore } from "./helpers.js";

describe("concurrent requests on one session (SESSIONS.md §6.3, §6.8)", () => {
  test("two overlapping requests that change different keys both persist", async () => {
    const engine = makeEngine();
    const cookie = cookieValue((await request(engine, null, (s) => s.set("hero_id", 1))).setCookie);
    const slow = request(engine, cookie, async (s) => {
      s.set("theme", "dark");
      await tick();
      await tick();
    });
    const fast = request(engine, cookie, (s) => s.set("cart", ["potion"]));
    await Promise.all([slow, fast]);
    assert.deepEqual((await request(engine, cookie)).session.toJSON(), { hero_id: 1, theme: "dark", cart: ["potion"] });
  });

  test("a delete in one request and a write in another both persist", async () => {
    const engine = makeEngine();
    const cookie = cookieValue(
      (
        await request(engine, null, (s) => {
          s.set("flash", "hi");
          s.set("hero_id", 1);
        })
      ).setCookie,
    );
    const a = engine.load(`lauren_session=${cookie}`);
    const b = engine.load(`lauren_session=${cookie}`);
    const [first, second] = await Promise.all([a, b]);
    first.delete("flash");
    second.set("visits", 2);
    await engine.commit(second);
    await engine.commit(first);
    assert.deepEqual((await request(engine, cookie)).session.toJSON(), { hero_id: 1, visits: 2 });
  });

  for (const rolling of [false, true]) {
    test(`a slow request loaded before a logout does not resurrect the session${rolling ? " (rolling)" : ""}`, async () => {
      const store = new ScriptedStore();
      const engine = makeEngine({ store, rolling });
      const cookie = cookieValue((await request(engine, null, (s) => s.set("hero_id", 1))).setCookie);
      const slow = await engine.load(`lauren_session=${cookie}`);
      const logout = await request(engine, cookie, (s) => s.invalidate());
      assert.match(logout.setCookie as string, /Max-Age=0/);
      slow.set("last_seen", "now");
      assert.equal(await engine.commit(slow), null, "no cookie for a session that is gone");
      assert.equal(store.size, 0);
      assert.equal((await request(engine, cookie)).session.isNew, true);
    });
  }

  test("a slow request loaded before a login elsewhere does not bring the old id back", async () => {
    const store = new ScriptedStore();
    const engine = makeEngine({ store });
    const cookie = cookieValue((await request(engine, null, (s) => s.set("visits", 1))).setCookie);
    const slow = await engine.load(`lauren_session=${cookie}`);
    const login = await request(engine, cookie, (s) => {
      s.regenerateId();
      s.set("hero_id", 1);
    });
    slow.set("visits", 2);
    await engine.commit(slow);
    assert.equal(store.size, 1);
    assert.equal((await request(engine, cookie)).session.isNew, true);
    assert.deepEqual((await request(engine, cookieValue(login.setCookie))).session.toJSON(), { visits: 1, hero_id: 1 });
  });

  test("concurrent first visits get distinct sessions", async () => {
    const engine = makeEngine();
    const visits = await Promise.all(Array.from({ length: 20 }, (_, i) => request(engine, null, (s) => s.set("i", i))));
    assert.equal(new Set(visits.map((v) => v.setCookie)).size, 20);
  });

  test("an idle refresh racing a logout does not revive the session", async () => {
    const clock = new Clock();
    const store = new ScriptedStore({ clock: clock.read });
    const engine = makeEngine({ store, clock: clock.read, idleTimeout: 100 });
    const cookie = cookieValue((await request(engine, null, (s) => s.set("hero_id", 1))).setCookie);
    clock.now += 60;
    const reader = await engine.load(`lauren_session=${cookie}`);
    await request(engine, cookie, (s) => s.invalidate());
    assert.equal(await engine.commit(reader), null);
    assert.equal(store.size, 0);
  });
});
