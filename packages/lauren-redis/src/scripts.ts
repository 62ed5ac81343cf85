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

/**
 * A session is one hash: a marker field "\0" (so a session emptied of keys still exists),
 * then one field per session key holding its JSON. Returns nil, or {PEXPIRETIME, fields}.
 */
export const LOAD = new Script(`
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return false end
return {redis.call('PEXPIRETIME', KEYS[1]), fields}
`);

/**
 * ARGV: minted ("1" or "0"), TTL in ms ("" for none), the number n of changed fields, n
 * field/JSON pairs, then the fields to delete. A minted save replaces the hash; any other
 * save applies its changes only if the hash still exists (returns 0 otherwise), so a save
 * racing a logout on another worker cannot bring the session back.
 */
export const SAVE = new Script(`
local key = KEYS[1]
if ARGV[1] == '1' then
  redis.call('DEL', key)
elseif redis.call('EXISTS', key) == 0 then
  return 0
end
redis.call('HSET', key, '\\0', '1')
local last = 3 + 2 * tonumber(ARGV[3])
local i = 4
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
if ARGV[2] == '' then
  redis.call('PERSIST', key)
else
  redis.call('PEXPIRE', key, ARGV[2])
end
return 1
`);
