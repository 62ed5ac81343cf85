/**
 * What the document says about bodies that are not one JSON value: forms and uploads, cookie
 * parameters, files (with their 206/304/416 answers), NDJSON and other streams, with their
 * media types, known from the route's declaration without `produces`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { z } from "zod";
import {
  type Ctx,
  controller,
  EventStream,
  file,
  fileOf,
  get,
  LaurenFactory,
  module,
  ndjson,
  ndjsonOf,
  type OpenApiOperation,
  openApiDocument,
  post,
  stream,
  streamOf,
  UploadedFile,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

const Line = z.object({ id: z.number().int(), name: z.string() }).meta({ id: "Line" });
const Prefs = z.object({ theme: z.enum(["dark", "light"]), lang: z.string().optional() });
const Signup = z.object({ name: z.string(), avatar: z.instanceof(UploadedFile), note: z.string().optional() });
const Feedback = z.object({ text: z.string(), screenshot: z.instanceof(UploadedFile).optional() });
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

@controller("/m")
class MediaController {
  @get("/prefs", { cookies: Prefs })
  prefs({ cookies }: Ctx<{ cookies: typeof Prefs }>) {
    return cookies;
  }

  @post("/signup", { form: Signup })
  signup({ form }: Ctx<{ form: typeof Signup }>) {
    return { name: form.name };
  }

  @post("/feedback", { form: Feedback })
  feedback({ form }: Ctx<{ form: typeof Feedback }>) {
    return { text: form.text };
  }

  @get("/avatar", { response: fileOf("image/png", "image/jpeg") })
  avatar() {
    return file(PNG, { type: "image/png" });
  }

  @get("/report", { response: fileOf() })
  report() {
    return file(Buffer.from("%PDF"));
  }

  @get("/lines", { response: ndjsonOf(Line) })
  lines() {
    return ndjson([Line.parse({ id: 1, name: "one", extra: true })]);
  }

  @get("/loose-lines", { response: ndjsonOf() })
  looseLines() {
    return ndjson([1, 2]);
  }

  @get("/csv", { response: streamOf("text/csv") })
  csv() {
    return stream(["a,b\n"], { type: "text/csv" });
  }

  @get("/bytes")
  async *bytes() {
    yield "raw";
  }

  @get("/pictures", { produces: ["image/png", "image/webp"] })
  pictures() {
    return file(PNG, { type: "image/png" });
  }

  @get("/feed", { produces: "text/event-stream" })
  feed() {
    return new EventStream([{ hello: true }]);
  }

  @get("/json")
  json() {
    return { ok: true };
  }
}

@module({ controllers: [MediaController] })
class MediaModule {}

const app = LaurenFactory.create(MediaModule, { logger: false, openapiUrl: "/openapi.json" });
const document = openApiDocument(app);

function op(path: string, method = "get"): OpenApiOperation {
  const found = document.paths[path]?.[method];
  assert.ok(found, `${method} ${path} is documented`);
  return found;
}

const BINARY = { type: "string", format: "binary" };

describe("OpenAPI media types", () => {
  test("cookie parameters are documented in: cookie, required as the schema says", () => {
    const params = op("/m/prefs").parameters ?? [];
    assert.deepEqual(
      params.map((p) => [p.name, p.in, p.required]),
      [
        ["theme", "cookie", true],
        ["lang", "cookie", false],
      ],
    );
    assert.deepEqual(params[0]?.schema, { type: "string", enum: ["dark", "light"] });
    assert.ok(op("/m/prefs").responses["422"], "a missing or invalid cookie is a documented 422");
  });

  test("a form whose files are optional is offered url-encoded too; one that requires a file only as multipart", () => {
    const optional = op("/m/feedback", "post").requestBody?.content ?? {};
    assert.deepEqual(Object.keys(optional), ["application/x-www-form-urlencoded", "multipart/form-data"]);
    assert.deepEqual(optional["application/x-www-form-urlencoded"]?.schema, {
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
    });
    assert.deepEqual(Object.keys(op("/m/signup", "post").requestBody?.content ?? {}), ["multipart/form-data"]);
  });

  test("a multipart form documents files as binary strings", () => {
    const content = op("/m/signup", "post").requestBody?.content ?? {};
    const multipart = content["multipart/form-data"]?.schema as { properties: Record<string, unknown>; required: string[] };
    assert.deepEqual(multipart.properties.avatar, BINARY);
    assert.deepEqual(multipart.properties.name, { type: "string" });
    assert.deepEqual(multipart.required, ["name", "avatar"]);
    const feedback = op("/m/feedback", "post").requestBody?.content["multipart/form-data"]?.schema;
    assert.deepEqual(feedback?.properties, { text: { type: "string" }, screenshot: BINARY });
    assert.deepEqual(Object.keys(op("/m/signup", "post").responses).sort(), ["200", "413", "415", "422"]);
  });

  test("a file declared with fileOf() lists its media types as binary, its validators, 206, 304 and 416", () => {
    const { responses } = op("/m/avatar");
    assert.deepEqual(responses["200"]?.content, { "image/png": { schema: BINARY }, "image/jpeg": { schema: BINARY } });
    assert.deepEqual(Object.keys(responses["200"]?.headers ?? {}), ["ETag", "Last-Modified", "Accept-Ranges"]);
    assert.deepEqual(responses["206"]?.content, responses["200"]?.content);
    assert.ok(responses["206"]?.headers?.["Content-Range"]);
    assert.equal(responses["304"]?.content, undefined);
    assert.ok(responses["416"]?.headers?.["Content-Range"]);
    assert.deepEqual(op("/m/report").responses["200"]?.content, { "application/octet-stream": { schema: BINARY } });
  });

  test("NDJSON declared with ndjsonOf() documents one line's schema; streamOf() its media type", () => {
    const lines = op("/m/lines").responses["200"]?.content;
    assert.deepEqual(Object.keys(lines ?? {}), ["application/x-ndjson"]);
    assert.equal(lines?.["application/x-ndjson"]?.schema.$ref, "#/components/schemas/Line");
    assert.match(String(lines?.["application/x-ndjson"]?.schema.description), /one value of this schema per line/);
    assert.deepEqual(document.components.schemas.Line?.required, ["id", "name"]);
    assert.equal(op("/m/loose-lines").responses["200"]?.content?.["application/x-ndjson"]?.schema.type, "string");
    assert.deepEqual(op("/m/csv").responses["200"]?.content, { "text/csv": { schema: { type: "string" } } });
  });

  test("a generator method is a byte stream; produces takes several types; JSON stays the default", () => {
    assert.deepEqual(op("/m/bytes").responses["200"]?.content, { "application/octet-stream": { schema: BINARY } });
    assert.deepEqual(op("/m/pictures").responses["200"]?.content, { "image/png": { schema: BINARY }, "image/webp": { schema: BINARY } });
    assert.deepEqual(op("/m/feed").responses["200"]?.content, { "text/event-stream": { schema: { type: "string" } } });
    assert.deepEqual(op("/m/json").responses["200"]?.content, { "application/json": { schema: {} } });
  });

  test("the document passes an OpenAPI 3.1 validator", async () => {
    const result = await new Validator().validate(structuredClone(document) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  test("declared routes still answer as their handlers say", async () => {
    const client = new TestClient(app);
    const avatar = await client.get("/m/avatar");
    assert.equal(avatar.header("content-type"), "image/png");
    assert.deepEqual(avatar.body, PNG);
    assert.equal((await client.get("/m/avatar", { headers: { range: "bytes=0-1" } })).status, 206);
    const lines = await client.get("/m/lines");
    assert.equal(lines.header("content-type"), "application/x-ndjson");
    assert.equal(lines.text, '{"id":1,"name":"one"}\n');
  });
});
