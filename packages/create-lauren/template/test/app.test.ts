import assert from "node:assert/strict";
import { test } from "node:test";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/app.js";

// Tests build their own app with explicit settings: nothing is read from .env.
function client() {
  const app = buildApp({ sessionSecret: "a-test-secret-of-at-least-32-bytes!", secureCookies: false });
  return new TestClient(app, { cookieJar: true });
}

test("GET / answers with JSON", async () => {
  const res = await client().get("/");
  assert.equal(res.status, 200);
  assert.deepEqual(res.json(), { app: "__APP_NAME__", message: "Lauren is running", lastGreeted: null });
});

test("POST /greetings validates its body and remembers the name in the session", async () => {
  const http = client();
  const bad = await http.post("/greetings", { json: { name: "" } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json().error.code, "extractor_error");

  const res = await http.post("/greetings", { json: { name: "Ada" } });
  assert.equal(res.status, 201);
  assert.deepEqual(res.json(), { greeting: "Hello, Ada!", number: 1 });
  assert.equal((await http.get("/")).json().lastGreeted, "Ada");
});
