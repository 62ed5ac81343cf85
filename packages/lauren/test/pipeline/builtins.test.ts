/** cors(), securityHeaders() and requestId(). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CorsConfigError,
  type CorsOptions,
  type Ctx,
  controller,
  cors,
  corsPolicy,
  get,
  LaurenFactory,
  type LaurenOptions,
  module,
  post,
  requestId,
  securityHeaders,
} from "../../src/index.js";
import { nextRequestId } from "../../src/pipeline/builtins/request-id.js";
import { TestClient } from "../../src/testing/index.js";
import { recordingLogger } from "../core/support.js";

const ALLOWED = "https://hq.example";

@controller("/heroes")
class Heroes {
  @get("/")
  list() {
    return [];
  }
  @post("/")
  create() {
    return { id: 1 };
  }
  @get("/log")
  log(ctx: Ctx) {
    ctx.log.info("looked at the roster");
    return { id: ctx.request.id };
  }
}

@controller("/reports")
class Reports {
  @get("/")
  read() {
    return "report";
  }
  @get("/public")
  @corsPolicy({ origin: "*" })
  open() {
    return "anyone";
  }
}

@module({ controllers: [Heroes, Reports] })
class AppModule {}

const POLICY: CorsOptions = { origin: [ALLOWED], credentials: true, exposedHeaders: ["x-request-id"], maxAge: 600 };

function client(options: LaurenOptions = {}) {
  return new TestClient(LaurenFactory.create(AppModule, { logger: false, ...options }));
}

const preflight = (origin: string, method = "POST") => ({
  headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type, x-hq-badge" },
});

describe("cors()", () => {
  it("answers an allowed preflight with 204 and the headers that say yes", async () => {
    const r = await client({ middleware: [cors(POLICY)] }).options("/heroes/", preflight(ALLOWED));
    assert.equal(r.status, 204);
    assert.equal(r.header("access-control-allow-origin"), ALLOWED);
    assert.equal(r.header("access-control-allow-credentials"), "true");
    assert.match(r.header("access-control-allow-methods") ?? "", /\bPOST\b/);
    assert.equal(r.header("access-control-allow-headers"), "content-type, x-hq-badge");
    assert.equal(r.header("access-control-max-age"), "600");
    assert.match(r.header("vary") ?? "", /\bOrigin\b/);
    assert.equal(r.text, "");
  });

  it("answers a preflight where only other methods are routed", async () => {
    const r = await client({ middleware: [cors(POLICY)] }).options("/reports/", preflight(ALLOWED, "DELETE"));
    assert.equal(r.status, 204);
    assert.equal(r.header("access-control-allow-origin"), ALLOWED);
  });

  it("gives any other origin no Access-Control-Allow-* header, on preflights and on responses", async () => {
    const c = client({ middleware: [cors(POLICY)] });
    const pre = await c.options("/heroes/", preflight("https://villain.example"));
    for (const name of Object.keys(pre.headers)) assert.ok(!name.startsWith("access-control-"), name);
    assert.match(pre.header("vary") ?? "", /\bOrigin\b/);
    const get = await c.get("/heroes/", { headers: { origin: "https://villain.example" } });
    assert.equal(get.status, 200);
    for (const name of Object.keys(get.headers)) assert.ok(!name.startsWith("access-control-"), name);
    assert.match(get.header("vary") ?? "", /\bOrigin\b/);
  });

  it("marks allowed actual responses, errors included", async () => {
    const c = client({ middleware: [cors(POLICY)] });
    const r = await c.get("/heroes/", { headers: { origin: ALLOWED } });
    assert.equal(r.header("access-control-allow-origin"), ALLOWED);
    assert.equal(r.header("access-control-allow-credentials"), "true");
    assert.equal(r.header("access-control-expose-headers"), "x-request-id");
    const missing = await c.get("/nowhere", { headers: { origin: ALLOWED } });
    assert.equal(missing.status, 404);
    assert.equal(missing.header("access-control-allow-origin"), ALLOWED);
  });

  it("accepts a function, and * without credentials", async () => {
    const fn = client({ middleware: [cors({ origin: (o) => o.endsWith(".hq.example") })] });
    assert.equal(
      (await fn.get("/heroes/", { headers: { origin: "https://a.hq.example" } })).header("access-control-allow-origin"),
      "https://a.hq.example",
    );
    assert.equal(
      (await fn.get("/heroes/", { headers: { origin: "https://evil.example" } })).header("access-control-allow-origin"),
      undefined,
    );
    const any = client({ middleware: [cors({ origin: "*" })] });
    assert.equal((await any.get("/heroes/", { headers: { origin: "https://x.example" } })).header("access-control-allow-origin"), "*");
  });

  it("refuses * with credentials at start-up", () => {
    assert.throws(() => cors({ origin: "*", credentials: true }), CorsConfigError);
    assert.throws(() => corsPolicy({ origin: "*", credentials: true }), CorsConfigError);
    assert.throws(() => cors({ origin: ["*"] }), CorsConfigError);
  });

  it("lets a route replace the app's policy, for preflights and responses", async () => {
    const c = client({ middleware: [cors(POLICY)] });
    const r = await c.get("/reports/public", { headers: { origin: "https://anyone.example" } });
    assert.equal(r.header("access-control-allow-origin"), "*");
    const pre = await c.options("/reports/public", preflight("https://anyone.example", "GET"));
    assert.equal(pre.status, 204);
    assert.equal(pre.header("access-control-allow-origin"), "*");
    const strict = await c.get("/reports/", { headers: { origin: "https://anyone.example" } });
    assert.equal(strict.header("access-control-allow-origin"), undefined);
  });
});

describe("securityHeaders()", () => {
  it("sends helmet-like defaults on every response, 404s included, and no X-Powered-By", async () => {
    const c = client({ middleware: [securityHeaders()] });
    for (const path of ["/heroes/", "/nowhere"]) {
      const r = await c.get(path);
      assert.equal(r.header("x-content-type-options"), "nosniff");
      assert.equal(r.header("x-frame-options"), "DENY");
      assert.equal(r.header("content-security-policy"), "frame-ancestors 'none'");
      assert.equal(r.header("referrer-policy"), "no-referrer");
      assert.equal(r.header("x-powered-by"), undefined);
      assert.equal(r.header("strict-transport-security"), undefined, "plain HTTP gets no HSTS");
    }
  });

  it("sends HSTS only when the request came over TLS (per X-Forwarded-Proto behind a trusted proxy)", async () => {
    const trusted = client({ middleware: [securityHeaders()], trustProxy: true });
    const r = await trusted.get("/heroes/", { headers: { "x-forwarded-proto": "https" } });
    assert.equal(r.header("strict-transport-security"), "max-age=15552000; includeSubDomains");
    const untrusted = client({ middleware: [securityHeaders()] });
    assert.equal(
      (await untrusted.get("/heroes/", { headers: { "x-forwarded-proto": "https" } })).header("strict-transport-security"),
      undefined,
    );
  });

  it("lets each header be changed or dropped", async () => {
    const c = client({
      middleware: [securityHeaders({ frameOptions: "SAMEORIGIN", referrerPolicy: false, headers: { "permissions-policy": "camera=()" } })],
    });
    const r = await c.get("/heroes/");
    assert.equal(r.header("x-frame-options"), "SAMEORIGIN");
    assert.equal(r.header("content-security-policy"), "frame-ancestors 'self'");
    assert.equal(r.header("referrer-policy"), undefined);
    assert.equal(r.header("permissions-policy"), "camera=()");
  });
});

describe("requestId()", () => {
  it("keeps a well-formed incoming id and echoes it", async () => {
    const r = await client({ middleware: [requestId()] }).get("/heroes/log", { headers: { "x-request-id": "abc-123" } });
    assert.equal(r.header("x-request-id"), "abc-123");
    assert.deepEqual(r.json(), { id: "abc-123" });
  });

  it("replaces a malformed or missing id with a UUID", async () => {
    const c = client({ middleware: [requestId()] });
    const bad = await c.get("/heroes/", { headers: { "x-request-id": "no spaces\tor tabs" } });
    assert.match(bad.header("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const none = await c.get("/nowhere");
    assert.match(none.header("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    assert.notEqual(none.header("x-request-id"), bad.header("x-request-id"));
  });

  it("generates ids that share the process's random part and count up, across the 4,096-id blocks", () => {
    const ids = Array.from({ length: 9000 }, () => nextRequestId());
    assert.equal(new Set(ids).size, ids.length);
    const first = ids[0] as string;
    for (const [i, id] of ids.entries()) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(id.slice(0, 24), first.slice(0, 24));
      assert.equal(Number.parseInt(id.slice(24), 16), Number.parseInt(first.slice(24), 16) + i, id);
    }
  });

  it("puts the id on every log line of the request", async () => {
    const logger = recordingLogger();
    const c = new TestClient(LaurenFactory.create(AppModule, { logger, logRequests: true, middleware: [requestId()] }));
    await c.get("/heroes/log", { headers: { "x-request-id": "trace-7" } });
    assert.deepEqual(
      logger.entries.map((e) => [e.message, e.fields?.reqId]),
      [
        ["looked at the roster", "trace-7"],
        ["request completed", "trace-7"],
      ],
    );
  });
});

describe("during shutdown", () => {
  it("the 503 still carries the request id, security headers and CORS; the app's own middleware does not run", async () => {
    const ran: string[] = [];
    const app = LaurenFactory.create(AppModule, {
      logger: false,
      middleware: [
        requestId(),
        securityHeaders(),
        cors(POLICY),
        (_ctx, next) => {
          ran.push("own middleware");
          return next();
        },
      ],
    });
    const c = new TestClient(app);
    await app.shutdown();
    const r = await c.get("/heroes/", { headers: { origin: ALLOWED, "x-request-id": "drain-1" } });
    assert.equal(r.status, 503);
    assert.deepEqual(r.json(), { error: { code: "service_unavailable", message: "server is shutting down", detail: {} } });
    assert.equal(r.header("connection"), "close");
    assert.equal(r.header("retry-after"), "1");
    assert.equal(r.header("x-request-id"), "drain-1");
    assert.equal(r.header("x-content-type-options"), "nosniff");
    assert.equal(r.header("access-control-allow-origin"), ALLOWED);
    assert.equal(r.header("access-control-allow-credentials"), "true");
    const pre = await c.options("/heroes/", preflight(ALLOWED));
    assert.equal(pre.status, 204);
    assert.equal(pre.header("connection"), "close");
    assert.equal(pre.header("access-control-allow-origin"), ALLOWED);
    assert.deepEqual(ran, []);
  });

  it("a built-in placed after the app's own middleware still runs on the 503", async () => {
    const app = LaurenFactory.create(AppModule, {
      logger: false,
      middleware: [(_ctx, next) => next(), requestId({ generate: () => "late-id" }), securityHeaders()],
    });
    const c = new TestClient(app);
    await app.shutdown();
    const r = await c.get("/heroes/");
    assert.equal(r.status, 503);
    assert.equal(r.header("x-request-id"), "late-id");
    assert.equal(r.header("x-content-type-options"), "nosniff");
  });

  it("without global middleware the 503 is written as before", async () => {
    const app = LaurenFactory.create(AppModule, { logger: false });
    const c = new TestClient(app);
    await app.shutdown();
    const r = await c.get("/heroes/");
    assert.equal(r.status, 503);
    assert.equal(r.header("connection"), "close");
    assert.equal(r.header("x-request-id"), undefined);
  });
});
