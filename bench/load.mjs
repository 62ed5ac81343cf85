// Load generation with autocannon's programmatic API, in this process.
import autocannon from "autocannon";

/**
 * @typedef {{ method: "GET" | "POST", path: string, headers?: Record<string, string>, body?: string | Buffer }} RequestSpec
 * @typedef {{ rps: number, ok: number, non2xx: number, errors: number, timeouts: number,
 *             p50: number, p99: number, seconds: number }} LoadResult
 */

/**
 * Fires `spec` at `baseUrl` for `seconds` (or exactly `amount` requests, if given) over
 * `connections` keep-alive connections, one request in flight per connection.
 * req/s counts 2xx responses only; latencies are autocannon's percentiles in milliseconds.
 * @param {string} baseUrl
 * @param {RequestSpec} spec
 * @param {{ connections: number, seconds?: number, amount?: number }} opts
 * @returns {Promise<LoadResult>}
 */
export async function fire(baseUrl, spec, { connections, seconds, amount }) {
  const result = await autocannon({
    url: baseUrl + spec.path,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections,
    pipelining: 1,
    timeout: 10,
    ...(amount ? { amount } : { duration: seconds }),
  });
  const ok = result["2xx"];
  return {
    rps: Math.round(ok / result.duration),
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    seconds: result.duration,
  };
}
