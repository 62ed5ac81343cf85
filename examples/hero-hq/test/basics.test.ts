/**
 * Hero HQ, tutorial steps 1–5 (recruit, dossier, roster, teams, bouncer): every assertion of
 * the original's TestHeroHQBasics and TestBadgeGuard, plus the exact bodies the tutorial's
 * curl flows print (shared/REFERENCE.md), in process and once over real HTTP.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import type { LaurenApplication } from "lauren";
import { TestClient, type TestResponse } from "lauren/testing";
import { buildApp } from "../src/main.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };
const VOLT = { name: "Volt", power: "lightning", wattage: 9001 };

const VILLAIN_DETECTED =
  '{"error":{"code":"villain_detected","message":"halt! that is not a valid HQ badge","detail":{"hint":"send a valid X-HQ-Badge header"}}}';
const HERO_NOT_FOUND = '{"error":{"code":"hero_not_found","message":"no such hero","detail":{"id":999}}}';

function client(): TestClient {
  return new TestClient(buildApp({ logger: false }));
}

function recruit(c: TestClient, overrides: Record<string, unknown> = {}): Promise<TestResponse> {
  return c.post("/heroes/", { json: { ...VOLT, ...overrides }, headers: BADGE });
}

describe("Hero HQ basics (steps 1–4: routing, validation, DI, modules)", () => {
  it("recruits a hero, then fetches the dossier", async () => {
    const c = client();
    const r = await recruit(c);
    assert.equal(r.status, 201);
    const hero = r.json();
    assert.deepEqual(hero, { id: 1, name: "Volt", power: "lightning", wattage: 9001 });
    const got = await c.get(`/heroes/${hero.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.json().name, "Volt");
  });

  it("rejects bad paperwork with 422 even with a valid badge", async () => {
    const r = await recruit(client(), { wattage: "over nine thousand" });
    assert.equal(r.status, 422);
  });

  it("answers a missing hero with the 404 hero_not_found envelope", async () => {
    const r = await client().get("/heroes/999");
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { error: { code: "hero_not_found", message: "no such hero", detail: { id: 999 } } });
  });

  it("lists recruited heroes in the order they joined", async () => {
    const c = client();
    await recruit(c, { name: "Volt" });
    await recruit(c, { name: "Tide", power: "water", wattage: 4200 });
    const names = (await c.get("/heroes/")).json().map((h: { name: string }) => h.name);
    assert.deepEqual(names, ["Volt", "Tide"]);
  });

  it("shares one roster (a singleton) across requests", async () => {
    const c = client();
    const id = (await recruit(c)).json().id;
    assert.equal((await c.get(`/heroes/${id}`)).json().name, "Volt");
  });

  it("requires an integer path parameter", async () => {
    assert.equal((await client().get("/heroes/not-a-number")).status, 422);
  });

  it("wires the module graph at start-up", () => {
    const app = buildApp({ logger: false });
    assert.ok(app !== null && app !== undefined);
    const routes = app.routes.map((r) => `${r.method} ${r.path}`);
    for (const route of ["GET /heroes", "GET /heroes/{id}", "POST /heroes"]) assert.ok(routes.includes(route), routes.join(", "));
  });

  it("gives each app its own roster", async () => {
    await recruit(client());
    assert.deepEqual((await client().get("/heroes/")).json(), []);
  });
});

describe("Hero HQ badge guard (step 5)", () => {
  it("bounces a recruit without a badge with 403 villain_detected", async () => {
    const r = await client().post("/heroes/", { json: VOLT });
    assert.equal(r.status, 403);
    assert.equal(r.json().error.code, "villain_detected");
  });

  it("welcomes a recruit with a badge with 201", async () => {
    assert.equal((await recruit(client())).status, 201);
  });

  it("keeps reading the roster public", async () => {
    assert.equal((await client().get("/heroes/")).status, 200);
  });

  it("refuses a wrong badge like a missing one", async () => {
    const r = await client().post("/heroes/", { json: VOLT, headers: { "x-hq-badge": "hq-badge-000" } });
    assert.equal(r.status, 403);
    assert.equal(r.text, VILLAIN_DETECTED);
  });
});

describe("Hero HQ tutorial curl flows, byte for byte", () => {
  it("step 1: an empty roster is []", async () => {
    const r = await client().get("/heroes/");
    assert.equal(r.status, 200);
    assert.equal(r.header("content-type"), "application/json");
    assert.equal(r.text, "[]");
  });

  it("step 2: recruit answers 201 with the compact dossier and no session cookie", async () => {
    const r = await recruit(client());
    assert.equal(r.status, 201);
    assert.equal(r.header("content-type"), "application/json");
    assert.equal(r.text, '{"id":1,"name":"Volt","power":"lightning","wattage":9001}');
    assert.equal(r.header("content-length"), String(r.text.length));
    assert.equal(r.header("set-cookie"), undefined);
  });

  it("step 2: an unknown hero is the exact hero_not_found envelope", async () => {
    const r = await client().get("/heroes/999");
    assert.equal(r.status, 404);
    assert.equal(r.header("content-type"), "application/json");
    assert.equal(r.text, HERO_NOT_FOUND);
  });

  it("step 2: the Auditor refuses a non-integer wattage in every disguise", async () => {
    const c = client();
    for (const wattage of ["over nine thousand", "9001", 1.5, true, null]) {
      const r = await recruit(c, { wattage });
      assert.equal(r.status, 422, `wattage ${JSON.stringify(wattage)}`);
      const { error } = r.json();
      assert.equal(error.code, "extractor_error");
      assert.equal(error.message, "Validation failed for field 'body'");
      assert.equal(error.detail.field, "body");
      assert.deepEqual(
        error.detail.errors.map((e: { path: unknown[] }) => e.path),
        [["wattage"]],
      );
    }
    const missing = await c.post("/heroes/", { json: { name: "Volt", power: "lightning" }, headers: BADGE });
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.json().error.detail.errors[0].path, ["wattage"]);
    assert.equal(missing.json().error.detail.errors[0].code, "invalid_type");
    assert.deepEqual((await c.get("/heroes/")).json(), []);
  });

  it("step 2: a bad hero id is a 422 that names the id", async () => {
    const r = await client().get("/heroes/abc");
    assert.equal(r.status, 422);
    const { error } = r.json();
    assert.equal(error.code, "extractor_field_error");
    assert.equal(error.detail.field, "id");
    assert.match(error.message, /'id'.*must be an integer/);
  });

  it("step 3: the roster lists what was recruited", async () => {
    const c = client();
    await recruit(c, { name: "Tide", power: "water", wattage: 4200 });
    assert.equal((await c.get("/heroes/")).text, '[{"id":1,"name":"Tide","power":"water","wattage":4200}]');
  });

  it("step 5: no badge is the exact villain_detected envelope, even with a malformed or missing body", async () => {
    const c = client();
    const plain = await c.post("/heroes/", { json: { name: "Definitely Not A Villain", power: "trickery", wattage: 999999 } });
    assert.equal(plain.status, 403);
    assert.equal(plain.header("content-type"), "application/json");
    assert.equal(plain.text, VILLAIN_DETECTED);
    const malformed = await c.post("/heroes/", { body: '{"name": "Volt", "wattage": }', headers: { "content-type": "application/json" } });
    assert.equal(malformed.status, 403);
    assert.equal(malformed.text, VILLAIN_DETECTED);
    const empty = await c.post("/heroes/");
    assert.equal(empty.text, VILLAIN_DETECTED);
  });

  it("step 5: with a badge, recruit then read the roster publicly", async () => {
    const c = client();
    assert.equal((await recruit(c)).text, '{"id":1,"name":"Volt","power":"lightning","wattage":9001}');
    assert.equal((await c.get("/heroes/")).text, '[{"id":1,"name":"Volt","power":"lightning","wattage":9001}]');
  });

  it("answers a wrong method with 405 and Allow, an unknown path with 404, and a text body with 415", async () => {
    const c = client();
    const wrong = await c.delete("/heroes/");
    assert.equal(wrong.status, 405);
    assert.equal(wrong.header("allow"), "GET, HEAD, OPTIONS, POST");
    assert.equal(
      wrong.text,
      '{"error":{"code":"method_not_allowed","message":"DELETE not allowed for /heroes/","detail":{"allow":["GET","HEAD","OPTIONS","POST"]}}}',
    );
    const nope = await c.get("/nope");
    assert.equal(nope.text, '{"error":{"code":"route_not_found","message":"No route matches GET /nope","detail":{}}}');
    const text = await c.post("/heroes/", { body: JSON.stringify(VOLT), headers: { ...BADGE, "content-type": "text/plain" } });
    assert.equal(text.status, 415);
    assert.equal(text.json().error.code, "unsupported_media_type");
  });
});

/** Sends raw bytes on a fresh connection and returns everything received until it closes. */
function rawExchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("connection still open after 10 s"));
    }, 10_000);
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", () => undefined); // the server may close before taking the whole upload
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received).toString("utf8"));
    });
    socket.write(bytes, () => undefined);
  });
}

describe("Hero HQ over real HTTP", () => {
  let app: LaurenApplication;
  let url: string;
  let port: number;

  before(async () => {
    app = buildApp({ logger: false });
    ({ url, port } = await app.listen({ port: 0, host: "127.0.0.1" }));
  });
  after(() => app.close());

  it("plays the steps 1–5 flow with the exact bodies", async () => {
    const empty = await fetch(`${url}/heroes/`);
    assert.equal(empty.status, 200);
    assert.equal(await empty.text(), "[]");

    const bounced = await fetch(`${url}/heroes/`, { method: "POST", headers: { "content-type": "application/json" }, body: "{oops" });
    assert.equal(bounced.status, 403);
    assert.equal(await bounced.text(), VILLAIN_DETECTED);

    const recruited = await fetch(`${url}/heroes/`, {
      method: "POST",
      headers: { "content-type": "application/json", ...BADGE },
      body: JSON.stringify(VOLT),
    });
    assert.equal(recruited.status, 201);
    assert.equal(recruited.headers.get("content-type"), "application/json");
    assert.equal(await recruited.text(), '{"id":1,"name":"Volt","power":"lightning","wattage":9001}');

    const invalid = await fetch(`${url}/heroes/`, {
      method: "POST",
      headers: { "content-type": "application/json", ...BADGE },
      body: '{"name":"Volt","power":"lightning","wattage":"over nine thousand"}',
    });
    assert.equal(invalid.status, 422);
    assert.equal(((await invalid.json()) as { error: { code: string } }).error.code, "extractor_error");

    assert.equal(await (await fetch(`${url}/heroes/1`)).text(), '{"id":1,"name":"Volt","power":"lightning","wattage":9001}');
    const missing = await fetch(`${url}/heroes/999`);
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), HERO_NOT_FOUND);
    assert.equal(await (await fetch(`${url}/heroes`)).text(), '[{"id":1,"name":"Volt","power":"lightning","wattage":9001}]');
  });

  it("refuses a 10 MB recruit with 413 and keeps answering", async () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 0x20);
    const head =
      "POST /heroes/ HTTP/1.1\r\nhost: hq\r\ncontent-type: application/json\r\n" +
      `x-hq-badge: hq-badge-007\r\ncontent-length: ${body.length}\r\n\r\n`;
    const answer = await rawExchange(port, Buffer.concat([Buffer.from(head), body]));
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.ok(
      answer.endsWith(
        '{"error":{"code":"request_body_too_large","message":"body exceeds 1048576 bytes","detail":{"max_body_size":1048576}}}',
      ),
      answer,
    );
    const next = await fetch(`${url}/heroes/`);
    assert.equal(next.status, 200);
  });
});
