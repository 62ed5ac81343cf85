import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import {
  ConfigurationError,
  controller,
  get,
  LaurenFactory,
  module,
  type OpenApiDocument,
  type OpenApiOperation,
  openApiDocument,
} from "../../src/index.js";
import { recordingLogger } from "../core/support.js";
import { ApiKeyGuard, danglingRefs, dig, gadgetApp } from "./fixture.js";

const document = openApiDocument(gadgetApp());

function op(path: string, method: string, doc: OpenApiDocument = document): OpenApiOperation {
  const found = doc.paths[path]?.[method];
  assert.ok(found, `${method.toUpperCase()} ${path} is documented (paths: ${Object.keys(doc.paths).join(", ")})`);
  return found;
}

function codes(operation: OpenApiOperation, status: string): unknown {
  const schema = operation.responses[status]?.content?.["application/json"]?.schema;
  assert.ok(schema, `a ${status} response is documented`);
  assert.deepEqual(dig(schema, "allOf", 0), { $ref: "#/components/schemas/ErrorEnvelope" });
  return dig(schema, "allOf", 1, "properties", "error", "properties", "code", "enum");
}

describe("the OpenAPI document", () => {
  test("passes a real OpenAPI 3.1 validator and every $ref resolves", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, "3.1");
    assert.deepEqual(danglingRefs(document), []);
  });

  test("carries openapi 3.1.0 and the info from openapiInfo", () => {
    assert.equal(document.openapi, "3.1.0");
    assert.deepEqual(document.info, { title: "Gadget <Works>", version: "2.1.0", description: "Gadgets & gizmos." });
  });

  test("info defaults to a generic title and version 1.0.0", () => {
    assert.deepEqual(openApiDocument(gadgetApp({ openapiInfo: {} })).info, { title: "Lauren application", version: "1.0.0" });
  });

  test("path keys keep the declared trailing slash and use {param} templates", () => {
    assert.deepEqual(Object.keys(document.paths), [
      "/gadgets/",
      "/gadgets/{gadgetId}",
      "/gadgets/{gadgetId}/label",
      "/gadgets/{gadgetId}/paint",
      "/notes/",
      "/notes/categories",
      "/notes/stamped",
      "/shop/",
      "/store/",
    ]);
    assert.deepEqual(Object.keys(document.paths["/gadgets/"] ?? {}), ["get", "post"]);
  });

  test("hidden routes and the docs routes themselves are left out", () => {
    const all = JSON.stringify(document.paths);
    assert.doesNotMatch(all, /internal/);
    assert.equal(document.paths["/openapi.json"], undefined);
    assert.equal(document.paths["/docs"], undefined);
  });

  test("operations carry controller and route tags (once each), summary, description and unique ids", () => {
    assert.deepEqual(op("/gadgets/", "get").tags, ["gadgets", "catalogue"]);
    assert.equal(op("/gadgets/", "get").summary, "List gadgets");
    assert.equal(op("/gadgets/{gadgetId}", "get").description, "One gadget by number.");
    assert.equal(op("/notes/", "post").tags, undefined);
    assert.equal(op("/gadgets/", "get").operationId, "GadgetController_list");
    assert.equal(op("/shop/", "get").operationId, "Catalogue_browse");
    assert.equal(op("/store/", "get").operationId, "Catalogue_browse_2");
  });

  test("path, query and header parameters come from the object schemas", () => {
    assert.deepEqual(op("/gadgets/{gadgetId}", "get").parameters, [
      {
        name: "gadgetId",
        in: "path",
        required: true,
        description: "The gadget's number",
        schema: op("/gadgets/{gadgetId}", "get").parameters?.[0]?.schema,
      },
    ]);
    assert.equal(op("/gadgets/{gadgetId}", "get").parameters?.[0]?.schema.type, "integer");
    const query = op("/gadgets/", "get").parameters ?? [];
    assert.deepEqual(
      query.map((p) => [p.name, p.in, p.required, p.schema.type]),
      [
        ["limit", "query", false, "integer"],
        ["tag", "query", false, "string"],
      ],
    );
    const headers = op("/gadgets/", "post").parameters ?? [];
    assert.deepEqual(
      headers.map((p) => [p.name, p.in, p.required]),
      [
        ["x-api-key", "header", true],
        ["x-trace-id", "header", false],
      ],
    );
  });

  test("a path parameter without a params schema is still documented, as a string", () => {
    assert.deepEqual(op("/gadgets/{gadgetId}/label", "put").parameters, [
      { name: "gadgetId", in: "path", required: true, schema: { type: "string" } },
    ]);
  });

  test("JSON bodies reference named component schemas", () => {
    assert.deepEqual(op("/gadgets/", "post").requestBody, {
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/NewGadget" } } },
    });
    const schemas = document.components.schemas;
    assert.equal(schemas.Gadget?.description, "A gadget in the catalogue.");
    assert.deepEqual(schemas.NewGadget?.required, ["name"], "the input form: tags has a default");
    assert.deepEqual(Object.keys(schemas.ErrorEnvelope?.properties as object), ["error"]);
  });

  test("validators without JSON Schema document as {}, Standard JSON Schema ones as they say", () => {
    assert.deepEqual(op("/gadgets/{gadgetId}/label", "put").requestBody?.content["application/json"]?.schema, {});
    assert.deepEqual(op("/gadgets/{gadgetId}/paint", "put").requestBody?.content["application/json"]?.schema, {
      type: "object",
      properties: { colour: { type: "string" } },
    });
  });

  test("the success status is the route's: 201 for a create, 200 otherwise, 204 for nothing", () => {
    assert.deepEqual(Object.keys(op("/gadgets/", "post").responses)[0], "201");
    assert.deepEqual(op("/gadgets/", "post").responses["201"]?.content, {
      "application/json": { schema: { $ref: "#/components/schemas/Gadget" } },
    });
    assert.deepEqual(op("/gadgets/", "get").responses["200"]?.content, {
      "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Gadget" } } },
    });
    assert.deepEqual(op("/gadgets/{gadgetId}", "delete").responses["204"], { description: "No Content" });
    assert.equal(op("/gadgets/{gadgetId}", "delete").responses["200"], undefined);
    const paint = op("/gadgets/{gadgetId}/paint", "put").responses;
    assert.ok(paint["200"]?.content && paint["204"], "an optional response documents both 200 and 204");
    assert.deepEqual(op("/shop/", "get").responses["200"]?.content, { "application/json": { schema: {} } });
  });

  test("errors from raises, guards, validation, bodies and sessions are documented with their codes", () => {
    const one = op("/gadgets/{gadgetId}", "get");
    assert.deepEqual(codes(one, "404"), ["gadget_not_found", "gadget_scrapped"]);
    assert.match(one.responses["404"]?.description ?? "", /`gadget_not_found`, `gadget_scrapped`/);
    assert.deepEqual(codes(one, "422"), ["extractor_field_error"]);
    assert.deepEqual(codes(one, "503"), ["session_store_unavailable"]);

    const create = op("/gadgets/", "post");
    assert.deepEqual(Object.keys(create.responses), ["201", "403", "409", "413", "415", "422", "429", "503"]);
    assert.deepEqual(codes(create, "403"), ["forbidden", "cross_origin_request"], "an unsafe session route");
    assert.deepEqual(codes(create, "409"), ["conflict"]);
    assert.deepEqual(codes(create, "429"), ["quota_exceeded"], "from ApiKeyGuard.raises");
    assert.deepEqual(codes(create, "413"), ["request_body_too_large"]);
    assert.deepEqual(codes(create, "415"), ["unsupported_media_type"]);
    assert.deepEqual(codes(create, "422"), ["extractor_field_error", "extractor_error"]);

    const scrap = op("/gadgets/{gadgetId}", "delete");
    assert.deepEqual(codes(scrap, "503"), ["maintenance", "session_store_unavailable"], "an instance guard's class raises too");
    assert.deepEqual(codes(scrap, "403"), ["forbidden", "cross_origin_request"]);
  });

  test("a global guard's errors are documented on every route", () => {
    const guarded = openApiDocument(gadgetApp({ globalGuards: [ApiKeyGuard] }));
    const categories = op("/notes/categories", "get", guarded);
    assert.deepEqual(codes(categories, "403"), ["forbidden"]);
    assert.deepEqual(codes(categories, "429"), ["quota_exceeded"]);
  });

  test("routes that validate nothing and skip sessions document no errors of their own, only the envelope of any 4xx", () => {
    const responses = op("/notes/categories", "get").responses;
    assert.deepEqual(Object.keys(responses), ["200", "4XX"]);
    assert.deepEqual(responses["4XX"]?.content?.["application/json"]?.schema, { $ref: "#/components/schemas/ErrorEnvelope" });
    assert.equal(op("/gadgets/", "get").responses["403"], undefined, "no guards, no 403");
  });

  test("a schema id whose input and output differ gets two components", () => {
    assert.deepEqual(op("/notes/", "post").requestBody?.content["application/json"]?.schema, { $ref: "#/components/schemas/Note" });
    assert.deepEqual(op("/notes/", "post").responses["201"]?.content?.["application/json"]?.schema, {
      $ref: "#/components/schemas/NoteOutput",
    });
    assert.deepEqual(document.components.schemas.Note?.required, ["text"]);
    assert.deepEqual(document.components.schemas.NoteOutput?.required, ["text", "pinned"]);
  });

  test("a recursive schema becomes a component that references itself", () => {
    const ref = "#/components/schemas/NoteController_categories_response";
    assert.deepEqual(op("/notes/categories", "get").responses["200"]?.content?.["application/json"]?.schema, { $ref: ref });
    assert.deepEqual(dig(document.components.schemas, "NoteController_categories_response", "properties", "children", "items"), {
      $ref: ref,
    });
  });

  test("a schema with no JSON form is documented loosely, with a warning naming the route", () => {
    const logger = recordingLogger();
    const doc = openApiDocument(gadgetApp({ logger }));
    const schema = op("/notes/stamped", "get", doc).responses["200"]?.content?.["application/json"]?.schema;
    assert.deepEqual(dig(schema, "properties", "at"), {});
    const warnings = logger.entries.filter((e) => e.level === "warn").map((e) => e.message);
    assert.ok(
      warnings.some((w) => /GET \/notes\/stamped .*response schema.*Date cannot be represented/.test(w)),
      warnings.join("\n"),
    );
    assert.ok(!warnings.some((w) => /gadgetId/.test(w)), "z.void() for 'returns nothing' is not reported");
  });

  test("raises must list HttpError classes; anything else fails at start-up naming the route", () => {
    class NotAnError {}
    @controller("/odd")
    class OddController {
      @get("/", { raises: [NotAnError as never] })
      odd() {
        return {};
      }
    }
    @module({ controllers: [OddController] })
    class OddModule {}
    assert.throws(
      () => LaurenFactory.create(OddModule, { logger: false, openapiUrl: "/openapi.json" }),
      (err: unknown) =>
        err instanceof ConfigurationError && /GET \/odd \(OddController\.odd\) lists NotAnError in raises/.test(err.message),
    );
  });
});
