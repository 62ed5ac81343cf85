/** Tutorial step 8: the live stuff, the SSE feed and the comms channel, in-process. */
// --8<-- [start:code]
import assert from "node:assert/strict";
import { test } from "node:test";
import { TestClient, WsTestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";

test("the status feed streams its reports and then closes", async () => {
  // The TestClient reads a stream to its end, so the whole feed is in res.text.
  const res = await new TestClient(buildApp({ logger: false })).get("/missions/feed");
  assert.equal(res.header("content-type"), "text/event-stream; charset=utf-8");
  assert.match(res.text, /^event: status\ndata: all quiet on sector 1\n\n/);
  assert.match(res.text, /event: close\ndata: stand down\n\n$/);
});

test("a chat on comms reaches every hero on the channel", async () => {
  const app = buildApp({ logger: false });
  const comms = new WsTestClient(app);
  try {
    const volt = await comms.connect("/comms");
    const nova = await comms.connect("/comms");
    volt.sendJson({ event: "chat", text: "assemble!" });
    assert.deepEqual(await volt.receiveJson(), { chat: "assemble!" });
    assert.deepEqual(await nova.receiveJson(), { chat: "assemble!" });
  } finally {
    await comms.close();
    await app.shutdown();
  }
});
// --8<-- [end:code]
