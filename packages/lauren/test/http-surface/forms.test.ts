import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { BadRequestError, type Ctx, controller, LaurenFactory, module, openApiDocument, post, UploadedFile } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { send } from "../core/support.js";
import { multipart } from "./multipart.js";

const tempDir = mkdtempSync(join(tmpdir(), "lauren-forms-test-"));
const keepDir = mkdtempSync(join(tmpdir(), "lauren-forms-keep-"));
after(() => {
  rmSync(tempDir, { recursive: true, force: true });
  rmSync(keepDir, { recursive: true, force: true });
});

const Signup = z.object({ name: z.string().min(1), age: z.coerce.number().int(), tags: z.array(z.string()).optional() });
const Upload = z.object({ caption: z.string(), doc: z.instanceof(UploadedFile) });
const Many = z.object({ files: z.array(z.instanceof(UploadedFile)) });
const Login = z.object({ hero_id: z.number().int() });
const LoginForm = z.object({ hero_id: z.coerce.number().int() });

const seen: { tempPath: string | null; inMemory: boolean }[] = [];

@controller("/f")
class FormController {
  @post("/signup", { form: Signup })
  signup({ form }: Ctx<{ form: typeof Signup }>) {
    return form;
  }

  @post("/upload", { form: Upload, limits: { fileSize: 64 * 1024, memoryThreshold: 1024 } })
  async upload({ form }: Ctx<{ form: typeof Upload }>) {
    const { doc } = form;
    seen.push({ tempPath: doc.tempPath, inMemory: doc.inMemory });
    const bytes = await doc.bytes();
    return {
      caption: form.caption,
      field: doc.field,
      name: doc.name,
      type: doc.type,
      size: doc.size,
      head: bytes.subarray(0, 4).toString(),
    };
  }

  @post("/keep", { form: Upload, limits: { memoryThreshold: 0 } })
  async keep({ form }: Ctx<{ form: typeof Upload }>) {
    const streamed: Buffer[] = [];
    for await (const chunk of form.doc.stream()) streamed.push(chunk as Buffer);
    await form.doc.moveTo(join(keepDir, "kept.bin"));
    return { streamed: Buffer.concat(streamed).length };
  }

  @post("/fail", { form: Upload, limits: { memoryThreshold: 0 } })
  fail({ form }: Ctx<{ form: typeof Upload }>) {
    seen.push({ tempPath: form.doc.tempPath, inMemory: form.doc.inMemory });
    throw new BadRequestError("rejected after the upload", {});
  }

  @post("/many", { form: Many, limits: { files: 2 } })
  many({ form }: Ctx<{ form: typeof Many }>) {
    return { count: form.files.length };
  }

  @post("/login", { body: Login, form: LoginForm })
  login({ body }: Ctx<{ body: typeof Login; form: typeof LoginForm }>) {
    return { hero_id: body.hero_id };
  }

  @post("/json", { body: Login })
  json({ body }: Ctx<{ body: typeof Login }>) {
    return body;
  }
}

@module({ controllers: [FormController] })
class FormModule {}

function build() {
  return LaurenFactory.create(FormModule, { logger: false, uploads: { tempDir, total: 512 * 1024 }, openapiUrl: "/openapi.json" });
}

const tempFiles = () => readdirSync(tempDir);

async function noTempFilesLeft(): Promise<void> {
  for (let i = 0; i < 100 && tempFiles().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(tempFiles(), []);
}

describe("url-encoded forms", () => {
  const client = new TestClient(build());
  const form = { "content-type": "application/x-www-form-urlencoded" };

  it("arrive parsed, coerced by the schema, repeated names as arrays", async () => {
    const res = await client.post("/f/signup", { headers: form, body: "name=Zo%C3%AB&age=31&tags=a&tags=b" });
    assert.deepEqual(res.json(), { name: "Zoë", age: 31, tags: ["a", "b"] });
  });

  it("a missing field is a 422 naming it", async () => {
    const res = await client.post("/f/signup", { headers: form, body: "age=31" });
    assert.equal(res.status, 422);
    assert.equal(res.json().error.message, "missing form field 'name'");
  });

  it("__proto__ is only a field name", async () => {
    const res = await client.post("/f/signup", { headers: form, body: "name=x&age=1&__proto__=polluted" });
    assert.equal(res.status, 200);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("JSON sent to a form route is a 415, and a form sent to a JSON route too", async () => {
    const res = await client.post("/f/signup", { json: { name: "x", age: 1 } });
    assert.equal(res.status, 415);
    assert.equal(res.json().error.code, "unsupported_media_type");
    const other = await client.post("/f/json", { headers: form, body: "hero_id=1" });
    assert.equal(other.status, 415);
  });

  it("a route declaring body and form takes either, with the same answer", async () => {
    assert.deepEqual((await client.post("/f/login", { json: { hero_id: 1 } })).json(), { hero_id: 1 });
    assert.deepEqual((await client.post("/f/login", { headers: form, body: "hero_id=1" })).json(), { hero_id: 1 });
    const bad = await client.post("/f/login", { headers: form, body: "hero_id=abc" });
    assert.equal(bad.status, 422);
  });
});

describe("multipart uploads", () => {
  const client = new TestClient(build());

  it("small files stay in memory and expose name, media type, size and bytes", async () => {
    const { body, headers } = multipart([
      { name: "caption", value: "hello" },
      { name: "doc", value: "PDF!tiny", filename: "../../etc/report.pdf", type: "application/pdf" },
    ]);
    const res = await client.post("/f/upload", { headers, body });
    assert.deepEqual(res.json(), { caption: "hello", field: "doc", name: "report.pdf", type: "application/pdf", size: 8, head: "PDF!" });
    assert.equal(seen.at(-1)?.inMemory, true);
  });

  it("larger files go to a temporary file that is removed after the response", async () => {
    const { body, headers } = multipart([
      { name: "caption", value: "big" },
      { name: "doc", value: Buffer.alloc(20_000, 65), filename: "big.bin" },
    ]);
    const res = await client.post("/f/upload", { headers, body });
    assert.equal(res.json().size, 20_000);
    assert.equal(res.json().type, "text/plain", "RFC 7578's default when a part declares no type");
    const last = seen.at(-1);
    assert.equal(last?.inMemory, false);
    assert.ok(last?.tempPath?.startsWith(tempDir));
    await noTempFilesLeft();
  });

  it("moveTo keeps the file; stream() reads it", async () => {
    const { body, headers } = multipart([
      { name: "caption", value: "keep" },
      { name: "doc", value: Buffer.alloc(3000, 66), filename: "k.bin" },
    ]);
    const res = await client.post("/f/keep", { headers, body });
    assert.deepEqual(res.json(), { streamed: 3000 });
    assert.equal(readFileSync(join(keepDir, "kept.bin")).length, 3000);
    await noTempFilesLeft();
  });

  it("temporary files are removed when the handler fails", async () => {
    const { body, headers } = multipart([
      { name: "caption", value: "x" },
      { name: "doc", value: Buffer.alloc(5000, 67), filename: "f.bin" },
    ]);
    const res = await client.post("/f/fail", { headers, body });
    assert.equal(res.status, 400);
    assert.equal(seen.at(-1)?.inMemory, false);
    await noTempFilesLeft();
  });

  it("a missing file part is a 422 naming the field", async () => {
    const { body, headers } = multipart([{ name: "caption", value: "no file" }]);
    const res = await client.post("/f/upload", { headers, body });
    assert.equal(res.status, 422);
    assert.equal(res.json().error.message, "missing form field 'doc'");
    assert.equal(res.json().error.detail.field, "doc");
  });

  it("a text value where a file is expected is a 422 naming the field", async () => {
    const { body, headers } = multipart([
      { name: "caption", value: "x" },
      { name: "doc", value: "not a file" },
    ]);
    const res = await client.post("/f/upload", { headers, body });
    assert.equal(res.status, 422);
    assert.equal(res.json().error.detail.field, "doc");
  });

  it("a file over the route's fileSize is a 413 naming the field, and leaves nothing behind", async () => {
    const { body, headers } = multipart([
      { name: "caption", value: "x" },
      { name: "doc", value: Buffer.alloc(64 * 1024 + 1), filename: "huge.bin" },
    ]);
    const res = await client.post("/f/upload", { headers, body });
    assert.equal(res.status, 413);
    assert.equal(res.json().error.code, "request_body_too_large");
    assert.deepEqual(res.json().error.detail, { field: "doc", limit: "fileSize", max: 65536 });
    await noTempFilesLeft();
  });

  it("exactly fileSize bytes is accepted", async () => {
    const { body, headers } = multipart([
      { name: "caption", value: "x" },
      { name: "doc", value: Buffer.alloc(64 * 1024), filename: "edge.bin" },
    ]);
    assert.equal((await client.post("/f/upload", { headers, body })).json().size, 65536);
  });

  it("too many files is a 413; a body over the app's total is a 413", async () => {
    const three = multipart([1, 2, 3].map((n) => ({ name: "files", value: `f${n}`, filename: `${n}.txt` })));
    const res = await client.post("/f/many", three);
    assert.equal(res.status, 413);
    assert.equal(res.json().error.detail.limit, "files");
    const two = multipart([1, 2].map((n) => ({ name: "files", value: `f${n}`, filename: `${n}.txt` })));
    assert.deepEqual((await client.post("/f/many", two)).json(), { count: 2 });
    const big = multipart([{ name: "files", value: Buffer.alloc(600 * 1024), filename: "big" }]);
    const total = await client.post("/f/many", big);
    assert.equal(total.status, 413);
    assert.equal(total.json().error.detail.limit, "total");
  });

  it("a malformed multipart body is a 422", async () => {
    const res = await client.post("/f/upload", {
      headers: { "content-type": "multipart/form-data; boundary=xyz" },
      body: '--xyz\r\nContent-Disposition: form-data; name="caption"\r\n\r\nunterminated',
    });
    assert.equal(res.status, 422);
    assert.equal(res.json().error.code, "extractor_error");
    const noBoundary = await client.post("/f/upload", { headers: { "content-type": "multipart/form-data" }, body: "x" });
    assert.equal(noBoundary.status, 422);
  });

  it("OpenAPI documents both form encodings, files as binary strings", () => {
    const body = openApiDocument(client.app).paths["/f/upload"]?.post?.requestBody as unknown as {
      content: Record<string, { schema: { properties: Record<string, unknown> } }>;
    };
    assert.deepEqual(body.content["multipart/form-data"]?.schema.properties.doc, { type: "string", format: "binary" });
    assert.deepEqual(Object.keys(body.content), ["multipart/form-data"], "a required file cannot come url-encoded");
    const login = openApiDocument(client.app).paths["/f/login"]?.post?.requestBody as { content: Record<string, unknown> };
    assert.deepEqual(Object.keys(login.content), ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]);
  });
});

describe("uploads over a real socket", () => {
  const app = build();
  let url = "";
  before(async () => {
    url = (await app.listen({ port: 0 })).url;
  });
  after(() => app.shutdown());

  it("a client that hangs up mid-upload leaves no temporary file behind", async () => {
    const { body, headers } = multipart([
      { name: "caption", value: "x" },
      { name: "doc", value: Buffer.alloc(60_000, 68), filename: "partial.bin" },
    ]);
    const req = request(`${url}/f/upload`, { method: "POST", headers: { ...headers, "content-length": body.length }, agent: false });
    req.on("error", () => undefined);
    // Send most of the file, wait until the server has spilled it to disk, then vanish.
    req.write(body.subarray(0, 40_000));
    for (let i = 0; i < 200 && tempFiles().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(tempFiles().length, 1, "the upload reached a temporary file");
    req.destroy();
    await noTempFilesLeft();
    // The server is still fine.
    const ok = multipart([
      { name: "caption", value: "after" },
      { name: "doc", value: "x", filename: "x.txt" },
    ]);
    const res = await send(`${url}/f/upload`, { method: "POST", headers: ok.headers, body: ok.body });
    assert.equal(res.status, 200);
  });

  it("a refused upload gets its 413 over the socket", async () => {
    const { body, headers } = multipart([
      { name: "caption", value: "x" },
      { name: "doc", value: Buffer.alloc(200 * 1024), filename: "huge.bin" },
    ]);
    const res = await send(`${url}/f/upload`, { method: "POST", headers, body });
    assert.equal(res.status, 413);
    await noTempFilesLeft();
  });
});
