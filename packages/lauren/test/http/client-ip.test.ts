import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigurationError, type Ctx, controller, get, LaurenFactory, module } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

@controller("/ip")
class IpController {
  @get("/")
  ip({ request }: Ctx) {
    return { ip: request.ip ?? null };
  }
}

@module({ controllers: [IpController] })
class IpModule {}

async function ipFor(trustProxy: boolean | number | undefined, forwarded?: string): Promise<unknown> {
  const app = LaurenFactory.create(IpModule, { logger: false, ...(trustProxy === undefined ? {} : { trustProxy }) });
  const res = await new TestClient(app).get("/ip/", { headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded } });
  return res.json().ip;
}

describe("request.ip", () => {
  test("ignores X-Forwarded-For unless the app trusts a proxy", async () => {
    assert.equal(await ipFor(undefined, "6.6.6.6"), "127.0.0.1");
  });

  test("with one trusted proxy it takes the entry that proxy appended, not one the client sent", async () => {
    assert.equal(await ipFor(true, "6.6.6.6, 203.0.113.9"), "203.0.113.9");
  });

  test("with two trusted proxies it skips the entry the inner proxy appended", async () => {
    assert.equal(await ipFor(2, "6.6.6.6, 203.0.113.9, 10.0.0.2"), "203.0.113.9");
  });

  test("falls back to the socket address when the proxy sent no header", async () => {
    assert.equal(await ipFor(true), "127.0.0.1");
  });

  test("a trustProxy that is not a positive whole number fails at start-up", () => {
    assert.throws(() => LaurenFactory.create(IpModule, { logger: false, trustProxy: -1 }), ConfigurationError);
  });
});
