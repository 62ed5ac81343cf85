/** Mission Control: a live status feed, dispatch in the background and team comms (tutorial step 7). */

// --8<-- [start:code]
import {
  BroadcastGroup,
  type Ctx,
  controller,
  EventStream,
  get,
  inject,
  injectable,
  onConnect,
  onDisconnect,
  onMessage,
  post,
  ServerSentEvent,
  type WsCtx,
  wsController,
} from "lauren";
import { z } from "zod";
import { NAME_MAX } from "./models.js";

/** Who has been dispatched, oldest first: one log for the whole app, keeping the latest 1,000. */
@injectable()
export class MissionLog {
  static readonly capacity = 1_000;
  readonly dispatched: string[] = [];

  record(hero: string): void {
    this.dispatched.push(hero);
    if (this.dispatched.length > MissionLog.capacity) this.dispatched.shift();
  }
}

/** HQ's comms channel. BroadcastGroup is a plain class: subclass it to get an injectable room. */
@injectable()
export class CommsRoom extends BroadcastGroup {}

const DispatchQuery = z.object({ hero: z.string().min(1).max(NAME_MAX) });

@controller("/missions")
export class MissionControlController {
  private readonly log = inject(MissionLog);
  private readonly room = inject(CommsRoom);

  // A live feed: each yielded event reaches the client as soon as it is produced.
  @get("/feed", { summary: "Live status feed", produces: "text/event-stream" })
  feed(): EventStream {
    async function* statusReports() {
      for (let sector = 1; sector <= 3; sector++) {
        yield new ServerSentEvent({ event: "status", data: `all quiet on sector ${sector}` });
      }
      yield new ServerSentEvent({ event: "close", data: "stand down" });
    }
    return new EventStream(statusReports());
  }

  // Answer 202 now; the log is written after the response has gone out.
  @post("/dispatch", { summary: "Dispatch a hero", query: DispatchQuery, status: 202 })
  dispatch({ query, tasks }: Ctx<{ query: typeof DispatchQuery }>) {
    tasks.add((hero: string) => this.log.record(hero), query.hero);
    return { dispatched: query.hero };
  }

  @get("/log", { summary: "Who has been dispatched" })
  missionLog() {
    return { dispatched: this.log.dispatched };
  }

  // Listening in without a WebSocket: every chat on the "hq" channel, as it is sent.
  @get("/comms", { summary: "Listen in on comms", produces: "text/event-stream" })
  listenIn(): EventStream {
    return new EventStream(this.room.listen("hq"), { keepAlive: 15_000 });
  }
}

const ChatMessage = z.object({ text: z.string().max(500) });

// One CommsGateway is built per connection; the CommsRoom singleton is shared by all of them.
@wsController("/comms")
export class CommsGateway {
  private readonly room = inject(CommsRoom);

  @onConnect
  async join({ ws }: WsCtx) {
    await this.room.subscribe("hq", ws);
  }

  // {"event":"chat","text":"assemble!"} reaches every hero on the channel, the sender included.
  @onMessage("chat", { data: ChatMessage })
  async chat({ data }: WsCtx<z.infer<typeof ChatMessage>>) {
    await this.room.broadcast("hq", { chat: data.text });
  }

  @onDisconnect
  async leave({ ws }: WsCtx) {
    await this.room.unsubscribeAll(ws);
  }
}
// --8<-- [end:code]
