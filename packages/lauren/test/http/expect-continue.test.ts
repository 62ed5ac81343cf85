import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { z } from "zod";
import type { LaurenApplication } from "../../src/index.js";
import { type Ctx, controller, type ExecutionContext, ForbiddenError, LaurenFactory, module, post, useGuards } from "../../src/index.js";

const Body = z.object({ n: z.number() });

class KeyGuard {
  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.request.header("x-key") !== "ok") throw new ForbiddenError("no key");
    return true;
  }
}

@controller("/up")
class UploadController {
  @post("/", { body: Body })
  take({ body }: Ctx<{ body: typeof Body }>) {
    return { got: body.n };
  }

  @post("/guarded", { body: Body })
  @useGuards(KeyGuard)
  guarded({ body }: Ctx<{ body: typeof Body }>) {
    return { got: body.n };
  }
}

@module({ controllers: [UploadController] })
class UploadModule {}

let app: LaurenApplication;
let port = 0;
before(async () => {
  app = LaurenFactory.create(UploadModule, { logger: false, maxBodySize: 1024 });
  port = (await app.listen({ port: 0 })).port;
});
after(() => app.shutdown());

interface Outcome {
  status: number;
  continued: boolean;
  body: string;
}

/** Sends headers with Expect: 100-continue and uploads `body` only if the server asks for it. */
function expectContinue(path: string, body: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path,
      headers: {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        expect: "100-continue",
        ...headers,
      },
    });
    req.on("continue", () => {
      continued = true;
      req.end(body);
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, continued, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.flushHeaders();
  });
}

/** Uploads `size` bytes without Expect, all at once, and reads whatever answer arrives. */
function upload(path: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path,
      headers: { "content-type": "application/json", "content-length": String(size) },
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(Buffer.alloc(size, 0x20));
  });
}

test("an over-size body announced with Expect: 100-continue is refused before the client uploads it", async () => {
  const out = await expectContinue("/up/", JSON.stringify({ n: 1, pad: "x".repeat(4000) }));
  assert.equal(out.status, 413);
  assert.equal(out.continued, false, "no 100 Continue was sent");
  assert.equal(JSON.parse(out.body).error.code, "request_body_too_large");
});

test("a body within the limit gets 100 Continue once the handler reads it", async () => {
  const out = await expectContinue("/up/", JSON.stringify({ n: 7 }));
  assert.equal(out.continued, true);
  assert.equal(out.status, 200);
  assert.deepEqual(JSON.parse(out.body), { got: 7 });
});

test("a guard refuses an Expect: 100-continue request without asking for the body", async () => {
  const out = await expectContinue("/up/guarded", JSON.stringify({ n: 7 }));
  assert.equal(out.status, 403);
  assert.equal(out.continued, false);
});

test("a client already uploading an over-size body receives the 413, every time", async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push(await upload("/up/", 512 * 1024));
  assert.deepEqual(statuses, Array(20).fill(413));
});
