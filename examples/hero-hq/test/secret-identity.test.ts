/** A recruit's secret identity is filed with the roster and never leaves HQ in any response. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";
import { HeroRepository } from "../src/roster.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };
const SECRET = "Dana Whitlock of 4 Elm Row";
const VOLT = { name: "Volt", power: "lightning", wattage: 9001 };

test("a secret identity is stored but no hero route ever shows it", async () => {
  const app = buildApp({ logger: false, validateResponses: true });
  const desk = new TestClient(app);
  const recruited = await desk.post("/heroes/", { json: { ...VOLT, secret_identity: SECRET }, headers: BADGE });
  assert.equal(recruited.status, 201);
  const { id } = recruited.json();
  assert.deepEqual(recruited.json(), { id, ...VOLT });
  const seen = [recruited.text];
  for (const path of ["/heroes/", `/heroes/${id}`, "/heroes/export"]) {
    const res = await desk.get(path);
    if (path !== "/heroes/export") assert.equal(res.status, 200, path);
    seen.push(res.text);
  }
  assert.deepEqual(JSON.parse(seen[1] as string), [{ id, ...VOLT }]);
  for (const body of seen) assert.ok(!body.includes("Whitlock") && !body.includes("secret_identity"), body);
  // The roster does keep it: only the responses leave it out.
  const stored = app.get(HeroRepository).get(id) as Record<string, unknown>;
  assert.equal(stored.secret_identity, SECRET);
});

test("a secret identity longer than HQ files is sent back with a 422", async () => {
  const desk = new TestClient(buildApp({ logger: false }));
  const res = await desk.post("/heroes/", { json: { ...VOLT, secret_identity: "x".repeat(101) }, headers: BADGE });
  assert.equal(res.status, 422);
  assert.deepEqual(res.json().error.detail.errors[0].path, ["secret_identity"]);
});
