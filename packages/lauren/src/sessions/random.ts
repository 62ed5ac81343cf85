/**
 * Random tokens from a pool of CSPRNG bytes. A synchronous `randomBytes(32)` call costs
 * several microseconds (a trip to the OS for every login), while slicing a pre-filled
 * buffer costs a fraction of one; node's own `randomUUID()` batches entropy the same way.
 * Every byte is handed out once and the pool is refilled, never reused.
 */
import { randomFillSync } from "node:crypto";

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_SIZE);
let offset = POOL_SIZE;

/** `bytes` fresh random bytes, base64url without padding. */
export function randomToken(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const token = pool.toString("base64url", offset, offset + bytes);
  offset += bytes;
  return token;
}

/** `bytes` fresh random bytes as their own Buffer (a copy: the pool is refilled later). */
export function randomBytesFromPool(bytes: number): Buffer {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + bytes));
  offset += bytes;
  return out;
}
