/** Scale-out: with REDIS_URL set, every worker and machine shares sessions, revocation and comms. */
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

// @lauren/redis and the Redis client are the largest part of HQ's start-up: loaded only for a REDIS_URL.
let redisKit: typeof import("@lauren/redis") | null = null;

/** Loads what `sharedState` needs for `config`; main() awaits it before building the app. */
export async function loadScaleOut(config: HeroConfig): Promise<void> {
  if (config.REDIS_URL !== undefined) redisKit ??= await import("@lauren/redis");
}

/** `null` without REDIS_URL: one process keeps everything in memory. */
export function sharedState(config: HeroConfig): SharedState | null {
  if (config.REDIS_URL === undefined) return null;
  if (redisKit === null) throw new Error("REDIS_URL is set: await loadScaleOut(config) before buildApp(), so the Redis client is loaded.");
  const { RedisBroadcastAdapter, RedisConnection, RedisRevocationStore, RedisSessionStore } = redisKit;
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
