/**
 * The 403s of cross-site request protection are in the document exactly where the
 * dispatcher can answer them: unsafe routes that use the session, while the protection is
 * on (`cross_origin_request`), plus `csrf_token_invalid` when the synchronizer token is on.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import {
  controller,
  del,
  get,
  LaurenFactory,
  type LaurenOptions,
  module,
  type OpenApiDocument,
  openApiDocument,
  post,
  put,
  type SessionOptions,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { dig, SECRET } from "./fixture.js";

@controller("/vault")
class VaultController {
  @get("/")
  look() {
    return {};
  }
  @post("/deposit")
  deposit() {
    return {};
  }
  @put("/label")
  label() {
    return {};
  }
  @post("/webhook", { crossOrigin: false })
  webhook() {
    return {};
  }
  @post("/ping", { sessions: false })
  ping() {
    return {};
  }
}

@controller("/hooks", { crossOrigin: false })
class HooksController {
  @del("/{id}")
  drop() {
    return {};
  }
}

@module({ controllers: [VaultController, HooksController] })
class VaultModule {}

function vault(sessions: SessionOptions | null): LaurenOptions {
  return { logger: false, openapiUrl: "/openapi.json", ...(sessions === null ? {} : { sessions }) };
}

function forbiddenCodes(doc: OpenApiDocument, path: string, method: string): unknown {
  const schema = doc.paths[path]?.[method]?.responses["403"]?.content?.["application/json"]?.schema;
  return schema === undefined ? undefined : dig(schema, "allOf", 1, "properties", "error", "properties", "code", "enum");
}

describe("cross-site request protection in the OpenAPI document", () => {
  test("unsafe session routes document the cross_origin_request 403; safe and opted-out routes do not", () => {
    const doc = openApiDocument(LaurenFactory.create(VaultModule, vault({ secret: SECRET, secure: false })));
    assert.deepEqual(forbiddenCodes(doc, "/vault/deposit", "post"), ["cross_origin_request"]);
    assert.deepEqual(forbiddenCodes(doc, "/vault/label", "put"), ["cross_origin_request"]);
    assert.match(doc.paths["/vault/deposit"]?.post?.responses["403"]?.description ?? "", /`cross_origin_request`/);
    assert.equal(forbiddenCodes(doc, "/vault/", "get"), undefined, "GET is never checked");
    assert.equal(forbiddenCodes(doc, "/vault/webhook", "post"), undefined, "route opted out");
    assert.equal(forbiddenCodes(doc, "/vault/ping", "post"), undefined, "no session, no check");
    assert.equal(forbiddenCodes(doc, "/hooks/{id}", "delete"), undefined, "controller opted out");
  });

  test("with the synchronizer token on, csrf_token_invalid joins it on the same routes only", async () => {
    const doc = openApiDocument(LaurenFactory.create(VaultModule, vault({ secret: SECRET, secure: false, crossOrigin: { token: true } })));
    assert.deepEqual(forbiddenCodes(doc, "/vault/deposit", "post"), ["cross_origin_request", "csrf_token_invalid"]);
    assert.match(
      doc.paths["/vault/deposit"]?.post?.responses["403"]?.description ?? "",
      /Error codes: `cross_origin_request`, `csrf_token_invalid`/,
    );
    assert.equal(forbiddenCodes(doc, "/vault/", "get"), undefined);
    assert.equal(forbiddenCodes(doc, "/vault/webhook", "post"), undefined);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  test("the documented answers are the ones the app sends", async () => {
    const app = LaurenFactory.create(VaultModule, vault({ secret: SECRET, secure: false, crossOrigin: { token: true } }));
    const client = new TestClient(app);
    const crossSite = await client.post("/vault/deposit", { headers: { origin: "https://evil.example" } });
    const noToken = await client.post("/vault/deposit");
    const doc = openApiDocument(app);
    for (const res of [crossSite, noToken]) {
      assert.equal(res.status, 403);
      assert.ok((forbiddenCodes(doc, "/vault/deposit", "post") as string[]).includes(res.json().error.code));
    }
  });

  test("with the protection off (crossOrigin: false) or sessions off, no route documents it", () => {
    for (const options of [vault({ secret: SECRET, secure: false, crossOrigin: false }), vault(null)]) {
      const doc = openApiDocument(LaurenFactory.create(VaultModule, options));
      assert.equal(forbiddenCodes(doc, "/vault/deposit", "post"), undefined);
    }
  });
});
