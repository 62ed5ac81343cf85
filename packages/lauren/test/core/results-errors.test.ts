import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  controller,
  get,
  HttpError,
  LaurenFactory,
  module,
  NotFoundError,
  post,
  redirect,
  reply,
  UnauthorizedError,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { recordingLogger } from "./support.js";

class HeroNotFoundError extends HttpError {
  static override status = 404;
  static override code = "hero_not_found";
}

@controller("/r")
class ResultController {
  @get("/plain")
  plain() {
    return { name: "Zoë", power: "⚡ lightning", list: [1, 2] };
  }

  @post("/created", { status: 201 })
  created() {
    return { id: 1 };
  }

  @get("/empty-list")
  emptyList() {
    return [];
  }

  @get("/reply")
  custom() {
    return reply({ queued: true }, { status: 202, headers: { "x-trace": "abc", location: "/r/jobs/1" } });
  }

  @get("/text")
  text() {
    return reply("plain words", { headers: { "cache-control": "no-store" } });
  }

  @post("/nothing")
  nothing(): void {}

  @get("/async")
  async later() {
    await new Promise((resolve) => setImmediate(resolve));
    return { later: true };
  }

  @get("/go")
  go() {
    return redirect("/r/plain");
  }

  @get("/go-permanent")
  goPermanent() {
    return redirect("/r/plain", 308);
  }
}

@controller("/e")
class ErrorController {
  @get("/custom")
  custom() {
    throw new HeroNotFoundError("no such hero", { id: 999 });
  }

  @get("/builtin")
  builtin() {
    throw new UnauthorizedError("no such hero to log in as", { hero_id: 999 });
  }

  @get("/no-detail")
  noDetail() {
    throw new NotFoundError("gone");
  }

  @get("/bare")
  bare() {
    throw new HttpError("plain HTTPError", { k: "v" });
  }

  @get("/crash")
  crash(): unknown {
    const hero = undefined as unknown as { name: string };
    return hero.name; // TypeError: the secret message must not reach the client
  }

  @get("/async-crash")
  async asyncCrash() {
    await Promise.resolve();
    throw new RangeError("database password is hunter2");
  }

  @get("/throws-string")
  throwsString() {
    throw "not even an Error";
  }
}

@module({ controllers: [ResultController, ErrorController] })
class ResultModule {}

describe("handler results", () => {
  const client = new TestClient(LaurenFactory.create(ResultModule, { logger: false }));

  it("sends a plain value as compact 200 JSON with raw UTF-8", async () => {
    const res = await client.get("/r/plain");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "application/json");
    assert.equal(res.text, '{"name":"Zoë","power":"⚡ lightning","list":[1,2]}');
    assert.equal(Number(res.header("content-length")), Buffer.byteLength(res.text));
  });

  it("uses the route's status for a plain value", async () => {
    const res = await client.post("/r/created");
    assert.equal(res.status, 201);
    assert.equal(res.text, '{"id":1}');
  });

  it("sends an empty list as []", async () => {
    assert.equal((await client.get("/r/empty-list")).text, "[]");
  });

  it("sends reply() with its status and headers", async () => {
    const res = await client.get("/r/reply");
    assert.equal(res.status, 202);
    assert.equal(res.header("x-trace"), "abc");
    assert.equal(res.header("location"), "/r/jobs/1");
    assert.equal(res.header("content-type"), "application/json");
    assert.deepEqual(res.json(), { queued: true });
    const text = await client.get("/r/text");
    assert.equal(text.header("content-type"), "text/plain; charset=utf-8");
    assert.equal(text.header("cache-control"), "no-store");
    assert.equal(text.text, "plain words");
  });

  it("answers undefined with 204 and no body", async () => {
    const res = await client.post("/r/nothing");
    assert.equal(res.status, 204);
    assert.equal(res.text, "");
    assert.equal(res.header("content-type"), undefined);
  });

  it("awaits async handlers", async () => {
    assert.deepEqual((await client.get("/r/async")).json(), { later: true });
  });

  it("redirects with 302 by default, or the given status", async () => {
    const res = await client.get("/r/go");
    assert.equal(res.status, 302);
    assert.equal(res.header("location"), "/r/plain");
    assert.equal((await client.get("/r/go-permanent")).status, 308);
  });
});

describe("error responses", () => {
  const logger = recordingLogger();
  const client = new TestClient(LaurenFactory.create(ResultModule, { logger }));

  it("renders an HttpError subclass as its status and envelope", async () => {
    const res = await client.get("/e/custom");
    assert.equal(res.status, 404);
    assert.equal(res.header("content-type"), "application/json");
    assert.equal(res.text, '{"error":{"code":"hero_not_found","message":"no such hero","detail":{"id":999}}}');
    const builtin = await client.get("/e/builtin");
    assert.equal(builtin.status, 401);
    assert.equal(builtin.text, '{"error":{"code":"unauthorized","message":"no such hero to log in as","detail":{"hero_id":999}}}');
  });

  it("always includes detail, empty when none was given", async () => {
    assert.equal((await client.get("/e/no-detail")).text, '{"error":{"code":"not_found","message":"gone","detail":{}}}');
  });

  it("renders a bare HttpError as 500 http_error", async () => {
    const res = await client.get("/e/bare");
    assert.equal(res.status, 500);
    assert.equal(res.text, '{"error":{"code":"http_error","message":"plain HTTPError","detail":{"k":"v"}}}');
  });

  it("hides any other exception behind a generic 500 and logs its stack", async () => {
    logger.entries.length = 0;
    const res = await client.get("/e/crash");
    assert.equal(res.status, 500);
    assert.equal(res.text, '{"error":{"code":"internal_error","message":"internal server error","detail":{"type":"TypeError"}}}');
    const logged = logger.entries.filter((e) => e.level === "error");
    assert.equal(logged.length, 1);
    assert.match(logged[0]?.message ?? "", /ErrorController\.crash/);
    const error = logged[0]?.fields?.error;
    assert.ok(error instanceof TypeError);
    assert.match(error.stack ?? "", /crash/);
  });

  it("never sends an async exception's message or stack to the client", async () => {
    logger.entries.length = 0;
    const res = await client.get("/e/async-crash");
    assert.equal(res.text, '{"error":{"code":"internal_error","message":"internal server error","detail":{"type":"RangeError"}}}');
    assert.doesNotMatch(res.text, /hunter2|at /);
    const logged = logger.entries[0]?.fields?.error;
    assert.ok(logged instanceof RangeError);
    assert.equal(logged.message, "database password is hunter2");
  });

  it("treats a thrown non-Error value as an internal error", async () => {
    const res = await client.get("/e/throws-string");
    assert.equal(res.status, 500);
    assert.equal(res.json().error.code, "internal_error");
  });
});
