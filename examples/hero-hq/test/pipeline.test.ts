/**
 * HQ's request pipeline: CORS for HERO_HQ_CORS_ORIGINS, a request id and nosniff on every
 * response, the document headers on the landing page (HERO_HQ_SECURITY_HEADERS=all:
 * everywhere), and JSON request lines with LAUREN_LOG_FORMAT=json. REFERENCE bodies stay.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { TestClient } from "lauren/testing";
import { readConfig } from "../src/config.js";
import { buildApp } from "../src/main.js";

const HQ_PAGE = "https://hq.example";
const BADGE = { "x-hq-badge": "hq-badge-007" };

function client(env: Record<string, string> = {}): TestClient {
  return new TestClient(buildApp({ logger: false }, readConfig({ ...env })));
}

const preflight = (origin: string) => ({
  headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-hq-badge" },
});

describe("Hero HQ CORS (HERO_HQ_CORS_ORIGINS)", () => {
  const withCors = () => client({ HERO_HQ_CORS_ORIGINS: `${HQ_PAGE}, https://admin.hq.example` });

  it("answers a preflight from a listed origin with 204 and the headers that say yes", async () => {
    const r = await withCors().options("/heroes/", preflight(HQ_PAGE));
    assert.equal(r.status, 204);
    assert.equal(r.header("access-control-allow-origin"), HQ_PAGE);
    assert.equal(r.header("access-control-allow-credentials"), "true");
    assert.match(r.header("access-control-allow-methods") ?? "", /\bPOST\b/);
    assert.equal(r.header("access-control-allow-headers"), "content-type, x-hq-badge");
    assert.match(r.header("vary") ?? "", /\bOrigin\b/);
  });

  it("gives any other origin no Access-Control-Allow-Origin anywhere", async () => {
    const c = withCors();
    const pre = await c.options("/heroes/", preflight("https://villain.example"));
    assert.equal(pre.header("access-control-allow-origin"), undefined);
    const list = await c.get("/heroes/", { headers: { origin: "https://villain.example" } });
    assert.equal(list.header("access-control-allow-origin"), undefined);
    assert.equal(list.status, 200);
  });

  it("lets a listed page recruit and log in with credentials", async () => {
    const c = withCors();
    const made = await c.post("/heroes/", {
      json: { name: "Volt", power: "lightning", wattage: 9001 },
      headers: { ...BADGE, origin: HQ_PAGE },
    });
    assert.equal(made.status, 201);
    assert.equal(made.header("access-control-allow-origin"), HQ_PAGE);
    const login = await c.post("/me/login", { json: { hero_id: 1 }, headers: { origin: HQ_PAGE } });
    assert.equal(login.status, 200);
    assert.equal(login.header("access-control-allow-credentials"), "true");
  });

  it("stays off when HERO_HQ_CORS_ORIGINS is unset", async () => {
    const r = await client().options("/heroes/", preflight(HQ_PAGE));
    assert.equal(r.header("access-control-allow-origin"), undefined);
  });

  it("refuses a malformed list at start-up, naming the variable", () => {
    assert.throws(() => readConfig({ HERO_HQ_CORS_ORIGINS: "hq.example" }), /HERO_HQ_CORS_ORIGINS/);
  });
});

describe("Hero HQ security headers and request ids", () => {
  const everyKind = async (c: TestClient) => [
    await c.get("/heroes/"),
    await c.get("/heroes/999"),
    await c.get("/nowhere"),
    await c.post("/heroes/", { json: { name: "Volt", power: "lightning", wattage: 9001 } }),
    await c.delete("/heroes/"),
    await c.get("/openapi.json"),
    await c.get("/docs"),
    await c.get("/me/"),
    await c.options("/heroes/"),
    await c.head("/heroes/"),
    await c.post("/heroes/", { json: { name: "Volt", power: "lightning" }, headers: BADGE }),
    await c.post("/heroes/", { body: "name=Volt", headers: { ...BADGE, "content-type": "text/plain" } }),
  ];
  const DOCUMENT = ["content-security-policy", "x-frame-options", "referrer-policy", "cross-origin-opener-policy"];

  it("puts x-request-id and nosniff on every response and the document headers on the landing page only", async () => {
    const c = client();
    const responses = await everyKind(c);
    for (const r of responses) {
      assert.equal(r.header("x-content-type-options"), "nosniff", `${r.status}`);
      assert.match(r.header("x-request-id") ?? "", /^[0-9a-f-]{36}$/, `${r.status}`);
    }
    assert.equal(new Set(responses.map((r) => r.header("x-request-id"))).size, responses.length);
    for (const r of [responses[0], responses[1], responses[7]]) {
      for (const name of DOCUMENT) assert.equal(r?.header(name), undefined, name);
    }
    const page = await c.get("/");
    assert.equal(page.status, 200);
    assert.match(page.header("content-type") ?? "", /^text\/html/);
    assert.equal(page.header("content-security-policy"), "default-src 'self'; frame-ancestors 'none'");
    assert.equal(page.header("x-frame-options"), "DENY");
    assert.equal(page.header("referrer-policy"), "no-referrer");
    assert.equal(page.header("cross-origin-opener-policy"), "same-origin");
    assert.equal(page.header("x-content-type-options"), "nosniff");
    // The docs UI keeps its own, stricter policy.
    assert.match(responses[6]?.header("content-security-policy") ?? "", /frame-ancestors 'none'/);
    assert.deepEqual(
      responses.slice(-4).map((r) => r.status),
      [204, 200, 422, 415],
    );
  });

  it("sends the whole securityHeaders() set everywhere with HERO_HQ_SECURITY_HEADERS=all", async () => {
    const r = await client({ HERO_HQ_SECURITY_HEADERS: "all" }).get("/heroes/");
    assert.equal(r.header("x-frame-options"), "DENY");
    assert.equal(r.header("content-security-policy"), "frame-ancestors 'none'");
    assert.equal(r.header("referrer-policy"), "no-referrer");
    assert.equal(r.header("x-content-type-options"), "nosniff");
    assert.throws(() => readConfig({ HERO_HQ_SECURITY_HEADERS: "most" }), /HERO_HQ_SECURITY_HEADERS/);
  });

  it("leaves REFERENCE bodies unchanged", async () => {
    const responses = await everyKind(client());
    assert.equal(responses[1]?.text, '{"error":{"code":"hero_not_found","message":"no such hero","detail":{"id":999}}}');
    assert.equal(
      responses[3]?.text,
      '{"error":{"code":"villain_detected","message":"halt! that is not a valid HQ badge","detail":{"hint":"send a valid X-HQ-Badge header"}}}',
    );
  });

  it("carries them on the 503 of a request that arrives during shutdown", async () => {
    const app = buildApp({ logger: false }, readConfig({}));
    const c = new TestClient(app);
    await app.shutdown();
    const r = await c.get("/heroes/");
    assert.equal(r.status, 503);
    assert.match(r.header("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(r.header("x-content-type-options"), "nosniff");
  });

  it("echoes a well-formed incoming request id", async () => {
    const r = await client().get("/heroes/", { headers: { "x-request-id": "lb-42" } });
    assert.equal(r.header("x-request-id"), "lb-42");
  });
});

describe("Hero HQ JSON logs (LAUREN_LOG_FORMAT=json)", () => {
  it("prints one parseable JSON line per request on stdout", async () => {
    const main = fileURLToPath(new URL("../src/main.js", import.meta.url));
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", LAUREN_LOG_FORMAT: "json" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const lines = () =>
      out
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const waitFor = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 15_000;
      while (!check()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`timed out waiting for ${what}:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      await waitFor(() => lines().some((l) => String(l.msg).startsWith("listening on")), "listening");
      const url = String(lines().find((l) => String(l.msg).startsWith("listening on"))?.msg).slice("listening on ".length);
      await fetch(`${url}/heroes/`, { headers: { "x-request-id": "json-1" } });
      await fetch(`${url}/heroes/999`);
      await waitFor(() => lines().filter((l) => l.msg === "request completed").length === 2, "two request lines");
      const [ok, missing] = lines().filter((l) => l.msg === "request completed");
      assert.deepEqual(
        { level: ok?.level, reqId: ok?.reqId, method: ok?.method, path: ok?.path, status: ok?.status },
        { level: "info", reqId: "json-1", method: "GET", path: "/heroes/", status: 200 },
      );
      assert.equal(typeof ok?.durationMs, "number");
      assert.deepEqual([missing?.level, missing?.status], ["warn", 404]);
      assert.match(String(missing?.reqId), /^[0-9a-f-]{36}$/);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });
});
