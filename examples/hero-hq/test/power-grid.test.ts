/** Tutorial step 9: the power grid's lifecycle hooks, seen through /status/. */
// --8<-- [start:code]
import assert from "node:assert/strict";
import { test } from "node:test";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";
import { PowerGrid } from "../src/operations.js";

test("/status/ reports HQ online once the start-up hooks have run", async () => {
  // The TestClient runs app.startup() before its first request, as listen() would.
  const res = await new TestClient(buildApp({ logger: false })).get("/status/");
  assert.equal(res.status, 200);
  assert.equal(res.text, '{"hq":"online","grid":true}');
});

test("the grid goes offline at shutdown, and HQ then turns requests away", async () => {
  const app = buildApp({ logger: false });
  const client = new TestClient(app);
  assert.equal((await client.get("/status/")).json().grid, true);
  await app.shutdown();
  assert.equal(app.get(PowerGrid).online, false);
  assert.equal((await client.get("/status/")).status, 503);
});
// --8<-- [end:code]
