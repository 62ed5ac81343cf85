/** Tutorial step 8: the front desk's routes, the bouncer and the Auditor, tested in-process. */
// --8<-- [start:code]
import assert from "node:assert/strict";
import { test } from "node:test";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };
const VOLT = { name: "Volt", power: "lightning", wattage: 9001 };

// A fresh app per test: nothing one test recruits leaks into the next.
const client = () => new TestClient(buildApp({ logger: false }));

test("a recruited hero can be fetched by id", async () => {
  const desk = client();
  const recruited = await desk.post("/heroes/", { json: VOLT, headers: BADGE });
  assert.equal(recruited.status, 201);
  const { id } = recruited.json();
  const fetched = await desk.get(`/heroes/${id}`);
  assert.deepEqual(fetched.json(), { id, ...VOLT });
});

test("a missing hero is a clean 404 with its own code", async () => {
  const res = await client().get("/heroes/999");
  assert.equal(res.status, 404);
  assert.equal(res.text, '{"error":{"code":"hero_not_found","message":"no such hero","detail":{"id":999}}}');
});

test("recruiting without a badge is stopped by the bouncer", async () => {
  const res = await client().post("/heroes/", { json: { name: "Sneaky", power: "?", wattage: 1 } });
  assert.equal(res.status, 403);
  assert.equal(res.json().error.code, "villain_detected");
});

test("the Auditor sends bad paperwork back, saying which field is wrong", async () => {
  const res = await client().post("/heroes/", { json: { ...VOLT, wattage: "lots" }, headers: BADGE });
  assert.equal(res.status, 422);
  const [issue] = res.json().error.detail.errors;
  assert.deepEqual(issue.path, ["wattage"]);
});
// --8<-- [end:code]
