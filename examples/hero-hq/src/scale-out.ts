/** Scale-out: with REDIS_URL set, every worker and machine shares sessions, revocation and comms. */
import { RedisBroadcastAdapter, RedisConnection, RedisRevocationStore, RedisSessionStore } from "@lauren/redis";
import type { LaurenOptions, SessionOptions } from "lauren";
import type { HeroConfig } from "./config.js";

// --8<-- [start:code]
export interface SharedState {
  /** Merged into the session options: the Redis stores. */
  sessions: Partial<SessionOptions>;
  /** Merged into the app options: CommsRoom's broadcasts (comms sockets, the /missions/comms feed) reach every process. */
  app: Pick<LaurenOptions, "broadcast">;
  /** Closes the Redis connections; the app calls it at shutdown. */
  close(): Promise<void>;
}

/** `null` without REDIS_URL: one process keeps everything in memory. */
export function sharedState(config: HeroConfig): SharedState | null {
  if (config.REDIS_URL === undefined) return null;
  const redis = new RedisConnection({ url: config.REDIS_URL, prefix: "herohq:" });
  const broadcast = new RedisBroadcastAdapter(redis);
  return {
    sessions: {
      // The cookie stores keep their data in the cookie; Redis then holds only revocations.
      ...(config.HERO_HQ_SESSION_STORE === "memory" ? { store: new RedisSessionStore(redis) } : {}),
      revocationStore: new RedisRevocationStore(redis),
    },
    app: { broadcast },
    async close() {
      await broadcast.close();
      await redis.close();
    },
  };
}
// --8<-- [end:code]
