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
  assert.deepEqual((await desk.get("/heroes/")).json(), [{ id, ...VOLT }]);
  assert.deepEqual((await desk.get(`/heroes/${id}`)).json(), { id, ...VOLT });
  const exported = await desk.get("/heroes/export");
  assert.equal(exported.status, 200);
  assert.deepEqual(exported.text, `${JSON.stringify({ id, ...VOLT })}\n`);
  // The roster does keep it: only the responses leave it out.
  const stored = app.get(HeroRepository).get(id) as Record<string, unknown>;
  assert.equal(stored.secret_identity, SECRET);
});

test("no operation in HQ's OpenAPI document answers with a recruit's secret identity", async () => {
  const desk = new TestClient(buildApp({ logger: false, validateResponses: true }));
  const { id } = (await desk.post("/heroes/", { json: { ...VOLT, secret_identity: SECRET }, headers: BADGE })).json();
  const cookie = (await desk.post("/me/login", { json: { hero_id: id } })).cookie("lauren_session")?.value;
  assert.ok(cookie !== undefined);
  type Operation = { responses: Record<string, { content?: Record<string, unknown> }> };
  const doc = (await desk.get("/openapi.json")).json() as { paths: Record<string, Record<string, Operation>> };
  const visited: string[] = [];
  const live: string[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (method === "post" && template === "/me/logout") continue; // would end the session the others use
      // Event streams stay open (comms relays chat as it happens); they carry no roster data.
      if (Object.values(operation.responses).some((r) => r.content?.["text/event-stream"] !== undefined)) {
        live.push(`${method} ${template}`);
        continue;
      }
      const path = template.replace("{id}", String(id));
      // Every input an operation might read, the secret included, as the recruit's own session.
      const res = await desk.request(method.toUpperCase(), path, {
        json: { ...VOLT, hero_id: id, secret_identity: SECRET },
        query: { hero: VOLT.name },
        headers: BADGE,
        cookies: { lauren_session: cookie },
      });
      assert.ok(res.status < 500, `${method} ${path}: ${res.status}`);
      assert.ok(!res.text.includes("Whitlock") && !res.text.includes("secret_identity"), `${method} ${path}: ${res.text}`);
      visited.push(`${method} ${template}`);
    }
  }
  // The walk covered the hero routes, the export included (a new route is walked automatically).
  for (const op of ["get /heroes/", "post /heroes/", "get /heroes/{id}", "get /heroes/export", "get /me/"])
    assert.ok(visited.includes(op), op);
  assert.deepEqual(live.sort(), ["get /missions/comms", "get /missions/feed"], "only the live channels are left out");
});

test("a secret identity longer than HQ files is sent back with a 422", async () => {
  const desk = new TestClient(buildApp({ logger: false }));
  const res = await desk.post("/heroes/", { json: { ...VOLT, secret_identity: "x".repeat(101) }, headers: BADGE });
  assert.equal(res.status, 422);
  assert.deepEqual(res.json().error.detail.errors[0].path, ["secret_identity"]);
});
