/**
 * BroadcastGroup across processes: the `broadcast` app option hands every group singleton
 * to an adapter, and `listen()` turns a room into a feed for server-sent events. Two apps
 * joined by an in-process bus stand in for two processes (the Redis adapter has its own tests).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type BroadcastAdapter,
  BroadcastGroup,
  type BroadcastLink,
  controller,
  EventStream,
  get,
  inject,
  injectable,
  LaurenFactory,
  module,
  onConnect,
  ServerSentEvent,
  type WsCtx,
  wsController,
} from "../../src/index.js";
import { WsTestClient } from "../../src/testing/index.js";
import { openStream, waitUntil } from "./helpers.js";

/** Every link of a bus receives what the others publish, never its own messages. */
class Bus {
  readonly links = new Set<{ channel: string; deliver: (room: string, text: string) => void }>();
  adapter(): BroadcastAdapter {
    return {
      join: (channel, deliver): BroadcastLink => {
        const me = { channel, deliver };
        this.links.add(me);
        return {
          publish: (room, text) => {
            for (const other of this.links) if (other !== me && other.channel === channel) other.deliver(room, text);
          },
          leave: () => this.links.delete(me),
        };
      },
    };
  }
}

@injectable()
class Newsroom extends BroadcastGroup {}

@wsController("/news")
class NewsGateway {
  private readonly room = inject(Newsroom);

  @onConnect
  async join({ ws }: WsCtx) {
    await this.room.subscribe("sport", ws);
    ws.sendJson({ joined: true });
  }
}

@controller("/feed")
class FeedController {
  private readonly room = inject(Newsroom);

  @get("/", { produces: "text/event-stream" })
  feed(): EventStream {
    const room = this.room;
    async function* headlines() {
      for await (const text of room.listen("sport")) {
        yield new ServerSentEvent({ event: "news", data: text });
        if (text === "final whistle") return;
      }
    }
    return new EventStream(headlines());
  }
}

@module({ controllers: [NewsGateway, FeedController], providers: [Newsroom] })
class NewsModule {}

describe("BroadcastGroup adapters and feeds", { timeout: 30_000 }, () => {
  test("a message broadcast in one app reaches the other app's sockets once, in order", async () => {
    const bus = new Bus();
    const one = LaurenFactory.create(NewsModule, { logger: false, broadcast: bus.adapter() });
    const two = LaurenFactory.create(NewsModule, { logger: false, broadcast: bus.adapter() });
    const c1 = new WsTestClient(one);
    const c2 = new WsTestClient(two);
    try {
      const local = await c1.connect("/news");
      const remote = await c2.connect("/news");
      await local.receiveJson();
      await remote.receiveJson();
      assert.equal(bus.links.size, 2, "each app's group joined the bus under one channel");
      assert.deepEqual(
        [...bus.links].map((l) => l.channel),
        ["Newsroom", "Newsroom"],
      );
      const room = one.get(Newsroom);
      for (let i = 1; i <= 5; i++) assert.equal(await room.broadcast("sport", { goal: i }), 1, "local members are counted");
      for (let i = 1; i <= 5; i++) {
        assert.deepEqual(await local.receiveJson(), { goal: i });
        assert.deepEqual(await remote.receiveJson(), { goal: i });
      }
      await two.get(Newsroom).broadcast("sport", "back");
      assert.equal(await local.receive(), "back");
      assert.equal(await remote.receive(), "back", "the sender's own members get it once, not again from the bus");
      one.get(Newsroom).leaveAdapter();
      await two.get(Newsroom).broadcast("sport", "only two");
      assert.equal(await remote.receive(), "only two");
      assert.equal(bus.links.size, 1);
    } finally {
      await c1.close();
      await c2.close();
      await one.shutdown();
      await two.shutdown();
    }
  });

  test("listen() feeds a room's messages, local and remote, to a server-sent-event stream", async () => {
    const bus = new Bus();
    const one = LaurenFactory.create(NewsModule, { logger: false, broadcast: bus.adapter() });
    const two = LaurenFactory.create(NewsModule, { logger: false, broadcast: bus.adapter() });
    const { port } = await one.listen({ port: 0 });
    const stream = await openStream(port, "/feed/");
    const room = one.get(Newsroom);
    await waitUntil(() => room.listening("sport") === 1, "the feed is listening");
    await room.broadcast("sport", "kick-off");
    await two.get(Newsroom).broadcast("sport", { goal: 1 });
    await two.get(Newsroom).broadcast("sport", "final whistle");
    assert.equal(await stream.ended, true);
    assert.equal(stream.text(), 'event: news\ndata: kick-off\n\nevent: news\ndata: {"goal":1}\n\nevent: news\ndata: final whistle\n\n');
    await room.broadcast("sport", "after");
    assert.equal(room.listening("sport"), 0, "the feed detached when its stream ended");
    await one.shutdown();
    await two.shutdown();
  });

  test("a feed that falls too far behind is ended instead of buffered without bound", async () => {
    const group = new BroadcastGroup();
    const feed = group.listen("r", { maxQueued: 3 });
    for (let i = 0; i < 4; i++) await group.broadcast("r", `m${i}`);
    assert.deepEqual(await feed.next(), { done: true, value: undefined });
    const waiting = group.listen("r").next();
    await group.broadcast("r", "now");
    assert.deepEqual(await waiting, { done: false, value: "now" });
    assert.throws(() => group.listen("r", { maxQueued: 0 }), TypeError);
  });

  test("return() detaches a feed at once, even while a next() is waiting", async () => {
    const group = new BroadcastGroup();
    const feed = group.listen("r");
    const pending = feed.next();
    await feed.return?.();
    assert.deepEqual(await pending, { done: true, value: undefined });
    assert.equal(await group.broadcast("r", "x"), 0);
    assert.equal(group.listening("r"), 0);
  });
});
