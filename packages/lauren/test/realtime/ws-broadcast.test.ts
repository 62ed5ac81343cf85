/**
 * BroadcastGroup: rooms, counts, leaving, and what happens to a member that stops reading
 * (it is dropped and pruned, instead of the server buffering for it without bound).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BroadcastGroup, inject, injectable, LaurenFactory, module, onConnect, type WsCtx, wsController } from "../../src/index.js";
import { WsTestClient } from "../../src/testing/index.js";
import { waitUntil } from "./helpers.js";

@injectable()
class Newsroom extends BroadcastGroup {}

@wsController("/news", { maxBufferedBytes: 256 * 1024 })
class NewsGateway {
  private readonly room = inject(Newsroom);

  @onConnect
  async join({ ws, request }: WsCtx) {
    for (const topic of String(request.query.topics ?? "").split(",")) if (topic !== "") await this.room.subscribe(topic, ws);
    ws.sendJson({ joined: ws.id });
  }
}

@module({ controllers: [NewsGateway], providers: [Newsroom] })
class NewsModule {}

describe("BroadcastGroup", { timeout: 30_000 }, () => {
  test("rooms track their members; leaving one room or all of them, and closing, empties them", async () => {
    const app = LaurenFactory.create(NewsModule, { logger: false });
    const client = new WsTestClient(app);
    const room = app.get(Newsroom);
    try {
      const a = await client.connect("/news?topics=weather,sport");
      const b = await client.connect("/news?topics=sport");
      const aId = (await a.receiveJson()).joined;
      await b.receiveJson();
      assert.deepEqual(room.rooms().sort(), ["sport", "weather"]);
      assert.equal(room.count("sport"), 2);
      assert.deepEqual(
        room.members("weather").map((m) => m.id),
        [aId],
      );

      const memberA = room.members("weather")[0];
      assert.ok(memberA !== undefined);
      await room.unsubscribe("weather", memberA);
      assert.deepEqual(room.rooms(), ["sport"], "an empty room is forgotten");
      assert.equal(await room.broadcast("sport", "kick-off"), 2);
      assert.equal(await a.receive(), "kick-off");
      assert.equal(await b.receive(), "kick-off");

      await room.unsubscribeAll(memberA);
      assert.equal(room.count("sport"), 1);
      b.close();
      await b.closed;
      await waitUntil(() => room.count("sport") === 0, "a closed connection leaves its rooms by itself");
      assert.deepEqual(room.rooms(), []);
      assert.equal(await room.broadcast("sport", "anyone?"), 0);
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("a broadcast reaches every member as a text frame, every code point intact", async () => {
    const app = LaurenFactory.create(NewsModule, { logger: false });
    const client = new WsTestClient(app);
    const room = app.get(Newsroom);
    try {
      const a = await client.connect("/news?topics=intl");
      const b = await client.connect("/news?topics=intl");
      await a.receiveJson();
      await b.receiveJson();
      const frame = new Promise<{ data: Buffer; isBinary: boolean }>((resolve) => {
        a.raw.once("message", (data: Buffer, isBinary: boolean) => resolve({ data, isBinary }));
      });
      const text = "héros 🚀 \u2028 \ud83d end";
      assert.equal(await room.broadcast("intl", text), 2);
      const got = await frame;
      assert.equal(got.isBinary, false);
      assert.equal(got.data.toString("utf8"), Buffer.from(text, "utf8").toString("utf8"));
      assert.equal(await b.receive(), Buffer.from(text, "utf8").toString("utf8"));
      assert.equal(await room.broadcast("intl", { chat: "naïve ✓" }), 2);
      assert.deepEqual(await b.receiveJson(), { chat: "naïve ✓" });
    } finally {
      await client.close();
      await app.shutdown();
    }
  });

  test("a member that stops reading is dropped and pruned; the others keep receiving", async () => {
    const app = LaurenFactory.create(NewsModule, { logger: false });
    const client = new WsTestClient(app);
    const room = app.get(Newsroom);
    try {
      const stalled = await client.connect("/news?topics=flood");
      const reader = await client.connect("/news?topics=flood");
      await stalled.receiveJson();
      await reader.receiveJson();
      stalled.raw.pause();
      const chunk = "x".repeat(32 * 1024);
      let sent = 2;
      for (let i = 0; i < 5000 && sent === 2; i++) {
        sent = await room.broadcast("flood", chunk);
        await reader.receive();
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(sent, 1, "the stalled member stopped counting as a recipient");
      assert.equal(room.count("flood"), 1);
      // Let the stalled client read again, so it can see that the server hung up on it.
      stalled.raw.resume();
      const closed = await Promise.race([stalled.closed, new Promise((resolve) => setTimeout(resolve, 5000, null))]);
      assert.deepEqual(closed, { code: 1006, reason: "" }, "the stalled member was cut off without a closing handshake");
      assert.equal(await room.broadcast("flood", "still on air"), 1);
      assert.equal(await reader.receive(), "still on air");
    } finally {
      await client.close();
      await app.shutdown();
    }
  });
});
