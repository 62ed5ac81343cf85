/**
 * Tutorial step 9: Hero HQ's OpenAPI document documents every route with its real status
 * codes and the errors each route and guard can produce, and passes an OpenAPI 3.1 validator.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import type { OpenApiDocument, OpenApiOperation } from "lauren";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";

const client = new TestClient(buildApp({ logger: false }));
const response = await client.get("/openapi.json");
const document = response.json<OpenApiDocument>();

function op(path: string, method: string): OpenApiOperation {
  const found = document.paths[path]?.[method];
  assert.ok(found, `${method.toUpperCase()} ${path} is documented`);
  return found;
}

/** Reads a nested value from JSON without claiming its shape: `dig(schema, "properties", "id")`. */
function dig(value: unknown, ...path: (string | number)[]): unknown {
  let node = value;
  for (const key of path) node = typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[key] : undefined;
  return node;
}

function errorCodes(operation: OpenApiOperation, status: string): unknown {
  const schema = operation.responses[status]?.content?.["application/json"]?.schema;
  assert.ok(schema, `a ${status} response is documented`);
  assert.deepEqual(dig(schema, "allOf", 0), { $ref: "#/components/schemas/ErrorEnvelope" });
  return dig(schema, "allOf", 1, "properties", "error", "properties", "code", "enum");
}

describe("Hero HQ's OpenAPI document", () => {
  test("is served at /openapi.json as application/json", () => {
    assert.equal(response.status, 200);
    assert.equal(response.header("content-type"), "application/json");
    assert.equal(document.openapi, "3.1.0");
    assert.equal(document.info.title, "Hero HQ");
    assert.equal(document.info.version, "0.1.0");
    assert.deepEqual(document.info.license, { name: "MIT", identifier: "MIT" });
    assert.deepEqual(document.servers, [{ url: "/", description: "The HQ serving this document" }]);
    assert.deepEqual(document.tags, [{ name: "heroes", description: "The roster: list, look up and recruit heroes." }]);
  });

  test("every operation has a summary and documents a client error", () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        assert.ok(operation.summary, `${method} ${path} has a summary`);
        assert.ok(
          Object.keys(operation.responses).some((s) => s.startsWith("4")),
          `${method} ${path} documents a 4xx`,
        );
      }
    }
    assert.equal(op("/heroes/", "post").summary, "Recruit a hero");
    assert.equal(op("/missions/log", "get").summary, "Who has been dispatched");
  });

  test("the badge and the session cookie are security schemes; the badge guards recruiting", () => {
    assert.deepEqual(document.components.securitySchemes?.badge, {
      type: "apiKey",
      in: "header",
      name: "X-HQ-Badge",
      description: "An HQ badge, checked by BadgeGuard.",
    });
    assert.equal(document.components.securitySchemes?.session?.type, "apiKey");
    assert.deepEqual(op("/heroes/", "post").security, [{ badge: [] }]);
    assert.deepEqual(op("/heroes/", "get").security, [], "listing is public");
    assert.deepEqual(op("/me/", "get").security, [{ session: [] }, {}], "whoami reads the session cookie, if any");
    assert.deepEqual(op("/me/logout", "post").security, [{ session: [] }, {}]);
    assert.deepEqual(op("/me/login", "post").security, []);
  });

  test("passes an OpenAPI 3.1 validator", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  test("lists the routes as declared, with the heroes tag on the front desk only", () => {
    for (const [path, method] of [
      ["/heroes/", "get"],
      ["/heroes/", "post"],
      ["/heroes/{id}", "get"],
      ["/me/", "get"],
      ["/me/login", "post"],
      ["/me/logout", "post"],
    ] as const) {
      const operation = op(path, method);
      assert.deepEqual(operation.tags, path.startsWith("/heroes") ? ["heroes"] : undefined, `${method} ${path}`);
    }
    assert.equal(op("/heroes/{id}", "get").operationId, "HeroController_getHero");
    assert.equal(document.paths["/docs"], undefined);
    assert.equal(document.paths["/openapi.json"], undefined);
  });

  test("recruiting answers 201 with a HeroOut and documents the bouncer's villain_detected 403", () => {
    const recruit = op("/heroes/", "post");
    assert.deepEqual(recruit.requestBody?.content["application/json"]?.schema, { $ref: "#/components/schemas/CreateHero" });
    assert.deepEqual(recruit.responses["201"]?.content?.["application/json"]?.schema, { $ref: "#/components/schemas/HeroOut" });
    assert.equal(recruit.responses["200"], undefined);
    assert.deepEqual(errorCodes(recruit, "403"), ["villain_detected", "forbidden", "cross_origin_request"]);
    assert.deepEqual(errorCodes(recruit, "422"), ["extractor_error", "extractor_field_error"]);
  });

  test("a missing hero is a documented hero_not_found 404, and a bad id a 422", () => {
    const getHero = op("/heroes/{id}", "get");
    assert.deepEqual(errorCodes(getHero, "404"), ["hero_not_found"]);
    assert.deepEqual(errorCodes(getHero, "422"), ["extractor_field_error"]);
    assert.deepEqual(
      getHero.parameters?.map((p) => [p.name, p.in, p.required, p.schema.type]),
      [["id", "path", true, "integer"]],
    );
  });

  test("the live feed is documented as an event stream, not JSON", () => {
    const feed = op("/missions/feed", "get");
    assert.deepEqual(Object.keys(feed.responses["200"]?.content ?? {}), ["text/event-stream"]);
  });

  test("dispatching answers 202 and takes the hero from the query", () => {
    const dispatch = op("/missions/dispatch", "post");
    assert.deepEqual(Object.keys(dispatch.responses)[0], "202");
    assert.deepEqual(
      dispatch.parameters?.map((p) => [p.name, p.in, p.required]),
      [["hero", "query", true]],
    );
  });

  test("logging in as a stranger is a documented unauthorized 401", () => {
    const login = op("/me/login", "post");
    assert.deepEqual(login.requestBody?.content["application/json"]?.schema, { $ref: "#/components/schemas/LoginBody" });
    assert.deepEqual(errorCodes(login, "401"), ["unauthorized"]);
    assert.deepEqual(errorCodes(login, "503"), ["session_store_unavailable"]);
  });

  test("login and logout document the cross-site refusal (403 cross_origin_request); whoami, a GET, does not", () => {
    assert.deepEqual(errorCodes(op("/me/login", "post"), "403"), ["cross_origin_request"]);
    assert.deepEqual(errorCodes(op("/me/logout", "post"), "403"), ["cross_origin_request"]);
    assert.equal(op("/me/", "get").responses["403"], undefined);
  });

  test("the models are named components, next to the shared error envelope", () => {
    const schemas = document.components.schemas;
    for (const name of ["CreateHero", "HeroOut", "LoginBody", "ErrorEnvelope"]) assert.ok(schemas[name], name);
    assert.equal(schemas.CreateHero?.description, "The paperwork a hero files to join HQ.");
    assert.deepEqual(schemas.CreateHero?.required, ["name", "power", "wattage"]);
    assert.deepEqual(dig(schemas, "ErrorEnvelope", "properties", "error", "required"), ["code", "message", "detail"]);
  });

  test("the documented 422 is the envelope the app really sends", async () => {
    const res = await client.get("/heroes/abc");
    assert.equal(res.status, 422);
    assert.equal(res.json().error.code, "extractor_field_error");
    assert.deepEqual(Object.keys(res.json().error), ["code", "message", "detail"]);
  });

  test("/docs is a Swagger UI page titled with HQ's name and version that loads nothing from outside", async () => {
    const page = await client.get("/docs");
    assert.equal(page.status, 200);
    assert.match(page.text, /<title>Hero HQ 0\.1\.0 – API docs<\/title>/);
    assert.equal(page.header("content-type"), "text/html; charset=utf-8");
    assert.doesNotMatch(page.text, /https?:\/\//);
    assert.match(page.text, /\/docs\/assets\/swagger-ui-bundle\.js/);
    assert.equal((await client.get("/docs/assets/swagger-ui.css")).header("content-type"), "text/css; charset=utf-8");
  });
  test("portraits: a multipart upload with a binary part, a PNG or JPEG download with 206/304, NDJSON lines of HeroOut", () => {
    const binary = { type: "string", format: "binary" };
    const upload = op("/heroes/{id}/portrait", "put").requestBody?.content ?? {};
    assert.deepEqual(Object.keys(upload), ["multipart/form-data"]);
    assert.deepEqual(dig(upload, "multipart/form-data", "schema", "properties", "portrait"), binary);
    const download = op("/heroes/{id}/portrait", "get").responses;
    assert.deepEqual(download["200"]?.content, { "image/png": { schema: binary }, "image/jpeg": { schema: binary } });
    for (const status of ["206", "304", "404", "416"]) assert.ok(download[status], `GET portrait documents ${status}`);
    const lines = op("/heroes/export", "get").responses["200"]?.content;
    assert.equal(dig(lines, "application/x-ndjson", "schema", "$ref"), "#/components/schemas/HeroOut");
    const login = op("/me/login", "post").requestBody?.content ?? {};
    assert.deepEqual(Object.keys(login), ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]);
  });
});
