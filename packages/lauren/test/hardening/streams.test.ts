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

  it("a client that hangs up mid-upload is one warning line without a stack, not an error", async () => {
    const before = logger.entries.length;
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const { port } = new URL(url);
        const socket = connect(Number(port), "127.0.0.1", () => {
          socket.write('POST /upload HTTP/1.1\r\nHost: a\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"a":', () => {
            setTimeout(() => socket.destroy(), 20);
          });
        });
        socket.on("error", () => undefined);
        socket.on("close", () => resolve());
      });
    }
    const deadline = Date.now() + 5000;
    while (logger.entries.length - before < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const entries = logger.entries.slice(before);
    assert.equal(entries.length, 5, JSON.stringify(entries));
    for (const entry of entries) {
      assert.equal(entry.level, "warn");
      assert.equal(entry.message, "POST /upload (StreamController.upload): client closed the connection before sending the whole body");
      assert.equal(entry.fields, undefined);
    }
  });
});
