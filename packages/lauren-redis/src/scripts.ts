/**
 * Lua run by Redis, so each read and write of a session is one atomic round trip. Sent by
 * SHA (EVALSHA) and re-sent in full only when Redis answers NOSCRIPT (after a restart or a
 * SCRIPT FLUSH).
 */
import { createHash } from "node:crypto";
import type { RedisConnection } from "./connection.js";

export class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: RedisConnection, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await redis.command(["EVALSHA", this.sha, String(keys.length), ...keys, ...args]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.command(["EVAL", this.source, String(keys.length), ...keys, ...args]);
    }
  }
}

/*
 * A session is one hash. Fields whose name starts with one NUL are the store's own: "\0"
 * (always there, so a session emptied of keys still exists) holds when it was created, in
 * epoch ms; a session filed under a user also has "\0u" (the user id) and "\0s" (last seen,
 * epoch ms). Every other field is a session key (escaped with a second NUL when it starts
 * with one) holding its JSON.
 *
 * The per-user index is a sorted set per user, <prefix><ns>:user:<user id>: its members are
 * the user's session ids, scored by their expiry in epoch ms (inf for none). Every script
 * that changes a filed session's expiry or filing updates it in the same atomic step, drops
 * members past their expiry, and keeps the set's own TTL at least as long as its longest
 * member, so an abandoned index expires with its sessions.
 *
 * The index keys and session keys are derived inside the scripts, from prefixes passed as
 * arguments, so the scripts need one Redis (or Valkey) primary, not Redis Cluster.
 */

/** Milliseconds since the epoch on the Redis server's clock, the clock its expiries use. */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** `file(index, id, expiry, ttl)`: adds or rescores a member and stretches the index's TTL to cover it (no TTL while a member has none). */
const FILE = `
local function file(index, id, expiry, ttl)
  local fresh = redis.call('EXISTS', index) == 0
  redis.call('ZADD', index, expiry, id)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  if ttl == '' then
    redis.call('PERSIST', index)
  elseif fresh then
    redis.call('PEXPIRE', index, ttl)
  else
    local left = redis.call('PTTL', index)
    if left ~= -1 and left < tonumber(ttl) then redis.call('PEXPIRE', index, ttl) end
  end
end
`;

/** Returns nil, or {PEXPIRETIME, fields}. */
export const LOAD = new Script(`
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return false end
return {redis.call('PEXPIRETIME', KEYS[1]), fields}
`);

/**
 * KEYS: the session. ARGV: minted ("1" or "0"), TTL in ms ("" for none), the user filing
 * ("k" keep, "n" none, "s" the user id that follows), the index key prefix, the session id,
 * the number n of changed fields, n field/JSON pairs, then the fields to delete. A minted
 * save replaces the hash; any other save applies its changes only if the hash still exists
 * (returns 0 otherwise), so a save racing a logout on another worker cannot bring the
 * session back.
 */
export const SAVE = new Script(`${NOW}${FILE}
local key = KEYS[1]
local ttl = ARGV[2]
local filed = redis.call('HGET', key, '\\0u')
if ARGV[1] == '1' then
  redis.call('DEL', key)
  redis.call('HSET', key, '\\0', now)
elseif not filed and redis.call('EXISTS', key) == 0 then
  return 0
end
local user = filed
local first = 7
if ARGV[3] == 'n' then
  user = false
elseif ARGV[3] == 's' then
  user = ARGV[6]
  first = 8
end
local last = first - 1 + 2 * tonumber(ARGV[first - 1])
local i = first
while i <= last do
  local stop = math.min(last, i + 999)
  redis.call('HSET', key, unpack(ARGV, i, stop))
  i = stop + 1
end
while i <= #ARGV do
  local stop = math.min(#ARGV, i + 999)
  redis.call('HDEL', key, unpack(ARGV, i, stop))
  i = stop + 1
end
if ttl == '' then
  redis.call('PERSIST', key)
else
  redis.call('PEXPIRE', key, ttl)
end
if filed and filed ~= user then
  redis.call('ZREM', ARGV[4] .. filed, ARGV[5])
end
if user then
  redis.call('HSET', key, '\\0u', user, '\\0s', now)
  file(ARGV[4] .. user, ARGV[5], ttl == '' and 'inf' or redis.call('PEXPIRETIME', key), ttl)
elseif filed then
  redis.call('HDEL', key, '\\0u', '\\0s')
end
return 1
`);

/**
 * KEYS: the session. ARGV: the TTL in ms, the index key prefix, the session id. Refreshes the
 * TTL without writing session data (a filed session also records when it was last seen and
 * moves its index entry); 0 when the session is gone, and then nothing is created.
 */
export const TOUCH = new Script(`${NOW}${FILE}
local key = KEYS[1]
if redis.call('PEXPIRE', key, ARGV[1]) == 0 then return 0 end
local user = redis.call('HGET', key, '\\0u')
if user then
  redis.call('HSET', key, '\\0s', now)
  file(ARGV[2] .. user, ARGV[3], redis.call('PEXPIRETIME', key), ARGV[1])
end
return 1
`);

/**
 * KEYS: the session. ARGV: the index key prefix, the session id, the deletions channel.
 * Deletes the session, takes it out of its user's index and, when there was something to
 * delete, publishes its id so every process can close the connections opened with it.
 */
export const DELETE = new Script(`
local key = KEYS[1]
local user = redis.call('HGET', key, '\\0u')
if redis.call('DEL', key) == 0 then return 0 end
if user then redis.call('ZREM', ARGV[1] .. user, ARGV[2]) end
redis.call('PUBLISH', ARGV[3], ARGV[2])
return 1
`);

/**
 * KEYS: the user's index. ARGV: the session key prefix, the user id. Returns, for each live
 * session filed under the user, {id, PEXPIRETIME, fields}; members whose session expired,
 * was evicted or now belongs to someone else are dropped from the index on the way.
 */
export const LIST = new Script(`${NOW}
local index = KEYS[1]
redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
local out = {}
for _, id in ipairs(redis.call('ZRANGE', index, 0, -1)) do
  local key = ARGV[1] .. id
  if redis.call('HGET', key, '\\0u') == ARGV[2] then
    out[#out + 1] = {id, redis.call('PEXPIRETIME', key), redis.call('HGETALL', key)}
  else
    redis.call('ZREM', index, id)
  end
end
return out
`);

/** KEYS: the revocation entry. ARGV: its value, its TTL in ms, the events channel, the event. */
export const REVOKE = new Script(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`);
