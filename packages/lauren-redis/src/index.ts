/**
 * @lauren/redis: Lauren's stores and broadcasts on Redis (or Valkey), for apps that run on
 * several workers or machines. The core framework has no Redis dependency; this package does.
 */
export { RedisBroadcastAdapter, type RedisBroadcastAdapterOptions } from "./broadcast-adapter.js";
export { type RedisClient, RedisConnection, type RedisConnectionOptions, RedisTimeoutError } from "./connection.js";
export { RedisRevocationStore, type RedisRevocationStoreOptions } from "./revocation-store.js";
export { RedisSessionStore, type RedisSessionStoreOptions } from "./session-store.js";
