// Peer "lauren-feed": a server-sent-event feed on Lauren's public API. GET /feed follows the
// "news" room of a BroadcastGroup (`listen()`), POST /publish?text=... broadcasts to it, so each
// message reaches every subscriber as one `data:` frame. TypeScript (decorators) run by tsx:
//   PORT=3008 node --import tsx bench/peers/lauren-feed.ts
import {
  BroadcastGroup,
  type Ctx,
  controller,
  EventStream,
  get,
  inject,
  injectable,
  installSignalHandlers,
  LaurenFactory,
  module,
  post,
} from "lauren";
import { z } from "zod";

@injectable()
class NewsRoom extends BroadcastGroup {}

const Publish = z.object({ text: z.string().max(500) });

@controller("/")
class FeedController {
  private readonly news = inject(NewsRoom);

  @get("/feed", { produces: "text/event-stream" })
  feed(): EventStream {
    return new EventStream(this.news.listen("news"));
  }

  @post("/publish", { query: Publish, status: 202 })
  async publish({ query }: Ctx<{ query: typeof Publish }>) {
    await this.news.broadcast("news", query.text);
    return { published: true };
  }

  @get("/heroes/")
  heroes() {
    return [];
  }
}

@module({ controllers: [FeedController], providers: [NewsRoom] })
class FeedModule {}

const app = LaurenFactory.create(FeedModule, { logger: false });
installSignalHandlers(app);
await app.listen({ port: Number(process.env.PORT ?? 3008), host: process.env.HOST ?? "127.0.0.1" });
