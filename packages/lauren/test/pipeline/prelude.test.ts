/**
 * requestId() and securityHeaders() at the front of the global middleware run as a
 * synchronous prelude, and over a real socket their headers are merged inside writeHead.
 * These tests pin that the prelude answers exactly as the onion did: on every kind of
 * response, with the handler's own headers winning, and in order with other middleware.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  controller,
  get,
  type LaurenApplication,
  LaurenFactory,
  type LaurenOptions,
  type MiddlewareFn,
  module,
  ndjson,
  reply,
  requestId,
  securityHeaders,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { type RawResponse, send } from "../support/http-client.js";

@controller("/things")
class Things {
  @get("/")
  list() {
    return [{ id: 1 }];
  }
  @get("/framed")
  framed() {
    // A page that may be framed by its own site: its header beats the default.
    return reply({ ok: true }, { headers: { "X-Frame-Options": "SAMEORIGIN" } });
  }
  @get("/stream")
  stream() {
    return ndjson(
      (async function* () {
        yield { n: 1 };
        yield { n: 2 };
      })(),
    );
  }
  @get("/fail")
  fail(): never {
    throw new Error("boom");
  }
}

@module({ controllers: [Things] })
class AppModule {}

const BUILTINS = [requestId(), securityHeaders()];

async function serve(options: LaurenOptions): Promise<{ app: LaurenApplication; url: string }> {
  const app = LaurenFactory.create(AppModule, { logger: false, ...options });
  const { url } = await app.listen({ port: 0 });
  return { app, url };
}

function assertDefaults(r: RawResponse, where: string): void {
  assert.match(String(r.headers["x-request-id"]), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/, where);
  assert.equal(r.headers["x-content-type-options"], "nosniff", where);
  assert.equal(r.headers["content-security-policy"], "frame-ancestors 'none'", where);
}

describe("the header prelude over a real socket", () => {
  let app: LaurenApplication;
  let url: string;
  before(async () => {
    ({ app, url } = await serve({ middleware: BUILTINS }));
  });
  after(() => app.shutdown());

  it("adds the defaults to a JSON answer, a 404, a 405, an error and a stream", async () => {
    const answers = {
      json: await send(`${url}/things/`),
      notFound: await send(`${url}/nowhere`),
      notAllowed: await send(`${url}/things/`, { method: "DELETE" }),
      error: await send(`${url}/things/fail`),
      stream: await send(`${url}/things/stream`),
    };
    for (const [where, r] of Object.entries(answers)) assertDefaults(r, where);
    assert.deepEqual(
      Object.values(answers).map((r) => r.status),
      [200, 404, 405, 500, 200],
    );
    assert.equal(answers.stream.text, '{"n":1}\n{"n":2}\n');
    assert.equal(answers.json.headers["x-frame-options"], "DENY");
  });

  it("lets the handler's own header win, whatever its case", async () => {
    const r = await send(`${url}/things/framed`);
    assert.equal(r.headers["x-frame-options"], "SAMEORIGIN");
    assertDefaults(r, "framed");
  });

  it("keeps a well-formed incoming request id and makes distinct new ones", async () => {
    const kept = await send(`${url}/things/`, { headers: { "x-request-id": "edge-42" } });
    assert.equal(kept.headers["x-request-id"], "edge-42");
    const [a, b] = await Promise.all([send(`${url}/things/`), send(`${url}/things/`)]);
    assert.notEqual(a.headers["x-request-id"], b.headers["x-request-id"]);
  });

  it("gives the 503 of a draining server the defaults too", async () => {
    const { app: draining } = await serve({ middleware: BUILTINS });
    const stopping = draining.shutdown();
    // The listener is closed by now, so drive the dispatcher the way a kept-alive socket would.
    const r = await new TestClient(draining).get("/things/");
    await stopping;
    assert.equal(r.status, 503);
    assert.equal(r.header("x-content-type-options"), "nosniff");
    assert.ok(r.header("x-request-id"));
  });
});

describe("the header prelude keeps the onion's order", () => {
  const seen: (string | null)[] = [];
  const spy: MiddlewareFn = async (ctx, next) => {
    seen.push(ctx.requestId);
    const res = await next();
    ctx.response.setHeader("x-seen-status", String(res.status));
    return res;
  };

  it("runs later middleware with the request id already set and the defaults in place", async () => {
    const { app, url } = await serve({ middleware: [...BUILTINS, spy] });
    try {
      const r = await send(`${url}/things/`, { headers: { "x-request-id": "trace-9" } });
      assert.deepEqual(seen, ["trace-9"]);
      assert.equal(r.headers["x-seen-status"], "200");
      assert.equal(r.headers["x-request-id"], "trace-9");
      assert.equal(r.headers["x-content-type-options"], "nosniff");
    } finally {
      await app.shutdown();
    }
  });

  it("answers the same when a middleware comes first and the built-ins stay in the onion", async () => {
    const first: MiddlewareFn = (_ctx, next) => next();
    const { app, url } = await serve({ middleware: [first, ...BUILTINS] });
    try {
      const r = await send(`${url}/things/framed`);
      assert.equal(r.headers["x-frame-options"], "SAMEORIGIN");
      assertDefaults(r, "onion");
    } finally {
      await app.shutdown();
    }
  });
});
