import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  type Ctx,
  controller,
  EventStream,
  get,
  type LaurenApplication,
  LaurenFactory,
  module,
  post,
  ServerSentEvent,
  type StandardSchemaV1,
} from "../../src/index.js";
import { recordingLogger } from "../core/support.js";
import { rawExchange, splitResponse } from "./support.js";

const Anything: StandardSchemaV1<unknown, unknown> = {
  "~standard": { version: 1, vendor: "test", validate: (value) => ({ value }) },
};

@controller("/")
class StreamController {
  @get("/feed", { produces: "text/event-stream" })
  feed(): EventStream {
    return new EventStream([new ServerSentEvent({ event: "status", data: "quiet" })]);
  }

  @post("/upload", { body: Anything })
  upload({ body }: Ctx<{ body: typeof Anything }>) {
    return { got: body };
  }
}

@module({ controllers: [StreamController] })
class StreamModule {}

describe("streams and uploads on a real socket", () => {
  const logger = recordingLogger();
  let app: LaurenApplication;
  let url: string;
  before(async () => {
    app = LaurenFactory.create(StreamModule, { logger });
    ({ url } = await app.listen({ port: 0 }));
  });
  after(() => app.shutdown());

  it("an SSE request with Connection: close says close and ends with the socket closed", async () => {
    // rawExchange resolves only once the server closed the connection.
    const answer = await rawExchange(url, "GET /feed HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 5000);
    const { status, headers, body } = splitResponse(answer);
    assert.equal(status, 200);
    assert.ok(headers.includes("connection: close"), headers.join(" | "));
    assert.ok(!headers.includes("connection: keep-alive"));
    assert.match(body, /event: status\ndata: quiet\n\n/);
  });

  it("an SSE request on a kept-alive connection still says keep-alive", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const { port } = new URL(url);
      const socket = connect(Number(port), "127.0.0.1");
      let text = "";
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        // The chunked stream's last chunk: the response is over and the socket is still open.
        if (text.endsWith("0\r\n\r\n")) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on("error", reject);
      socket.write("GET /feed HTTP/1.1\r\nHost: a\r\n\r\n");
    });
    assert.ok(splitResponse(answer).headers.includes("connection: keep-alive"));
  });
});

/** Opens a connection, sends the head and a few bytes of a 1,000-byte JSON body, then hangs up. */
function abortUpload(url: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), "127.0.0.1", () => {
      socket.write('POST /upload HTTP/1.1\r\nHost: a\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"a":', () => {
        setTimeout(() => socket.destroy(), 20);
      });
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve());
  });
}

describe("clients that hang up mid-upload", () => {
  const ABORT = "POST /upload (StreamController.upload): client closed the connection before sending the whole body";
  const lines: { level: string; message: string; fields: unknown }[] = [];
  const record =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const logger = { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
  let app: LaurenApplication;
  let url: string;
  before(async () => {
    app = LaurenFactory.create(StreamModule, { logger });
    ({ url } = await app.listen({ port: 0 }));
    lines.length = 0; // the start-up lines
  });
  after(() => app.shutdown());

  it("a burst of 200 aborts is one warning without a stack, debug lines, and one count at shutdown", async () => {
    for (let batch = 0; batch < 4; batch++) await Promise.all(Array.from({ length: 50 }, () => abortUpload(url)));
    const deadline = Date.now() + 5000;
    while (lines.length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(lines.length, 200, JSON.stringify(lines.slice(0, 3)));
    assert.deepEqual(lines[0], { level: "warn", message: ABORT, fields: undefined });
    assert.ok(
      lines.slice(1).every((line) => line.level === "debug" && line.message === ABORT && line.fields === undefined),
      "the rest of the burst is debug",
    );
    await app.shutdown();
    const warnings = lines.filter((line) => line.level === "warn" || line.level === "error");
    assert.deepEqual(warnings.slice(1), [
      { level: "warn", message: "199 more client aborts within 60 s of the one above (each logged at debug level)", fields: undefined },
    ]);
  });
});
