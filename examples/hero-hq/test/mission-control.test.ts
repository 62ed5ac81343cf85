/**
 * Tutorial step 7, Mission Control: the live status feed (SSE), dispatch with a background
 * task, and the comms channel where every connected hero hears every chat.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { describe, test } from "node:test";
import { TestClient, WsTestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";
import { CommsRoom } from "../src/mission-control.js";
import { openSse } from "./sse-client.js";

const FEED =
  "event: status\ndata: all quiet on sector 1\n\n" +
  "event: status\ndata: all quiet on sector 2\n\n" +
  "event: status\ndata: all quiet on sector 3\n\n" +
  "event: close\ndata: stand down\n\n";

describe("Mission Control", { timeout: 20_000 }, () => {
  test("the feed streams three status reports and then the close event", async () => {
    const res = await new TestClient(buildApp({ logger: false })).get("/missions/feed");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(res.header("cache-control"), "no-cache");
    assert.equal(res.header("connection"), "keep-alive");
    assert.equal(res.header("x-accel-buffering"), "no");
    assert.equal(res.header("set-cookie"), undefined, "reading the feed creates no session");
    assert.equal(res.text, FEED);
  });

  test("over real HTTP the feed comes chunked with the same bytes", async () => {
    const app = buildApp({ logger: false });
    const { port } = await app.listen({ port: 0 });
    try {
      const { headers, body } = await new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        request({ host: "127.0.0.1", port, path: "/missions/feed", agent: false }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ headers: res.headers, body }));
        })
          .on("error", reject)
          .end();
      });
      assert.equal(headers["transfer-encoding"], "chunked");
      assert.equal(headers["content-type"], "text/event-stream; charset=utf-8");
      assert.equal(body, FEED);
    } finally {
      await app.shutdown();
    }
  });

  test("dispatch answers 202 at once and the log shows the hero once the task ran", async () => {
    const client = new TestClient(buildApp({ logger: false }));
    const res = await client.post("/missions/dispatch?hero=Volt");
    assert.equal(res.status, 202);
    assert.equal(res.text, '{"dispatched":"Volt"}');
    const log = await client.get("/missions/log");
    assert.equal(log.text, '{"dispatched":["Volt"]}');
  });

  test("dispatch without a hero is a 422 naming the missing query parameter, and nothing is logged", async () => {
    const client = new TestClient(buildApp({ logger: false }));
    const res = await client.post("/missions/dispatch");
    assert.equal(res.status, 422);
    const body = res.json();
    assert.equal(body.error.code, "extractor_field_error");
    assert.equal(body.error.message, "missing query parameter 'hero'");
    assert.equal(body.error.detail.field, "hero");
    assert.deepEqual((await client.get("/missions/log")).json(), { dispatched: [] });
  });

  test("a chat on /comms reaches every connected hero, the sender included", async () => {
    const app = buildApp({ logger: false });
    const client = new WsTestClient(app);
    try {
      const volt = await client.connect("/comms");
      const nova = await client.connect("/comms");
      volt.sendJson({ event: "chat", text: "assemble!" });
      assert.equal(await volt.receive(), '{"chat":"assemble!"}');
      assert.equal(await nova.receive(), '{"chat":"assemble!"}');
      nova.sendJson({ event: "chat", data: { text: "on my way" } });
      assert.deepEqual(await volt.receiveJson(), { chat: "on my way" });
      assert.deepEqual(await nova.receiveJson(), { chat: "on my way" });
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("a hero who hangs up leaves the channel; a malformed chat gets an error frame, not a hang-up", async () => {
    const app = buildApp({ logger: false });
    const client = new WsTestClient(app);
    const room = app.get(CommsRoom);
    try {
      const volt = await client.connect("/comms");
      const nova = await client.connect("/comms");
      volt.sendJson({ event: "chat", text: 42 });
      const error = await volt.receiveJson();
      assert.equal(error.error.code, "websocket_validation_error");
      assert.equal(room.count("hq"), 2);
      nova.close();
      await nova.closed;
      for (let i = 0; i < 100 && room.count("hq") !== 1; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(room.count("hq"), 1);
      volt.sendJson({ event: "chat", text: "anyone?" });
      assert.deepEqual(await volt.receiveJson(), { chat: "anyone?" });
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("GET /missions/comms streams every chat as it is sent, and leaves the channel when the listener hangs up", async () => {
    const app = buildApp({ logger: false });
    const { port } = await app.listen({ port: 0 });
    const client = new WsTestClient(app);
    const room = app.get(CommsRoom);
    try {
      const feed = await openSse(`http://127.0.0.1:${port}/missions/comms`);
      assert.equal(feed.status, 200);
      const volt = await client.connect("/comms");
      volt.sendJson({ event: "chat", text: "assemble!" });
      volt.sendJson({ event: "chat", text: "on my way" });
      assert.equal(await feed.next(), '{"chat":"assemble!"}');
      assert.equal(await feed.next(), '{"chat":"on my way"}');
      assert.equal(room.listening("hq"), 1);
      feed.close();
      for (let i = 0; i < 100 && room.listening("hq") !== 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(room.listening("hq"), 0, "a listener who hangs up is no longer fed");
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("/comms is not an HTTP route", async () => {
    const res = await new TestClient(buildApp({ logger: false })).get("/comms");
    assert.equal(res.status, 404);
    assert.equal(res.text, '{"error":{"code":"route_not_found","message":"No route matches GET /comms","detail":{}}}');
  });
});
