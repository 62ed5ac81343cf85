/** Issue-by-issue, the hardening of Hero HQ as a client sees it over a real socket. */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import type { LaurenApplication } from "lauren";
import { buildApp } from "../src/main.js";
import { MissionLog } from "../src/mission-control.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };

/**
 * Writes `bytes` on a fresh connection; resolves with what the server sent once it closed the
 * connection, or (with `untilFirstChunk`) with its first chunk, leaving the server's socket open.
 */
function exchange(url: string, bytes: string, untilFirstChunk = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), "127.0.0.1");
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection still open after 10 s; got ${JSON.stringify(text)}`));
    }, 10_000);
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (untilFirstChunk) {
        clearTimeout(timer);
        socket.destroy();
        resolve(text);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.write(bytes);
  });
}

function handshake(extra: string): string {
  return (
    "GET /comms HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`
  );
}

describe("Hero HQ's hardening over a real socket", () => {
  let app: LaurenApplication;
  let url: string;
  before(async () => {
    app = buildApp({ logger: false });
    ({ url } = await app.listen({ port: 0, host: "127.0.0.1" }));
    const recruited = await fetch(`${url}/heroes/`, {
      method: "POST",
      headers: { ...BADGE, "content-type": "application/json" },
      body: JSON.stringify({ name: "Volt", power: "lightning", wattage: 9001 }),
    });
    assert.equal(recruited.status, 201);
  });
  after(() => app.shutdown());

  it("/heroes/0x1 is 422, not hero 1", async () => {
    assert.equal((await fetch(`${url}/heroes/1`)).status, 200);
    const res = await fetch(`${url}/heroes/0x1`);
    assert.equal(res.status, 422);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "extractor_field_error");
  });

  it("an h2c upgrade offer (curl --http2) on /heroes/ gets the roster", async () => {
    const answer = await exchange(
      url,
      "GET /heroes/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
    );
    assert.match(answer, /^HTTP\/1\.1 200 /);
    const roster = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { name: string }[];
    assert.deepEqual(
      roster.map((hero) => hero.name),
      ["Volt"],
    );
  });

  it("/comms refuses Origin: https://evil.example with 403 and accepts a client without Origin", async () => {
    const refused = await exchange(url, handshake("Origin: https://evil.example\r\n"));
    assert.match(refused, /^HTTP\/1\.1 403 /);
    assert.match(refused, /\{"error":\{"code":"forbidden","message":"origin not allowed"/);
    assert.match(await exchange(url, handshake(""), true), /^HTTP\/1\.1 101 /);
  });

  it("an SSE request with Connection: close ends with the socket closed", async () => {
    // exchange() resolves only when the server closes the connection.
    const answer = await exchange(url, "GET /missions/feed HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /event: close\ndata: stand down\n\n/);
  });

  it("2,000 dispatches later /missions/log holds the latest 1,000", async () => {
    for (let batch = 0; batch < 20; batch++) {
      const sent = Array.from({ length: 100 }, (_, i) => fetch(`${url}/missions/dispatch?hero=h${batch * 100 + i}`, { method: "POST" }));
      for (const res of await Promise.all(sent)) assert.equal(res.status, 202);
    }
    // Dispatches log after their response (a background task): wait until the last ones landed.
    let log: string[] = [];
    for (let tries = 0; tries < 100; tries++) {
      log = ((await (await fetch(`${url}/missions/log`)).json()) as { dispatched: string[] }).dispatched;
      if (log.length === MissionLog.capacity && log.includes("h1999")) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(log.length, MissionLog.capacity);
    assert.ok(!log.includes("h0"), "the oldest entries are gone");
  });
});
