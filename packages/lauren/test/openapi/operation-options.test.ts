/**
 * What the app says about its operations: summaries (derived from the handler's name when
 * absent), descriptions, tags with descriptions, deprecated, operationId overrides, declared
 * responses, info, servers and the root path. Each mistake fails at start-up naming the culprit.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { z } from "zod";
import {
  ConfigurationError,
  controller,
  del,
  get,
  LaurenFactory,
  type LaurenOptions,
  module,
  type OpenApiDocument,
  type OpenApiOperation,
  openApiDocument,
  post,
  StartupError,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

const Receipt = z.object({ id: z.string() }).meta({ id: "Receipt" });

@controller("/orders", { tags: [{ name: "orders", description: "Placing and tracking orders." }, "shop"] })
class OrderController {
  @get("/")
  listOpenOrders() {
    return [];
  }

  @get("/{id}", {
    summary: "Track an order",
    description: "Where the parcel is **now**.",
    operationId: "trackOrder",
    tags: ["tracking"],
    responses: { 304: "Not modified since If-None-Match", "4XX": { description: "Any client error", schema: Receipt } },
  })
  track() {
    return {};
  }

  @post("/", { deprecated: true, responses: { 202: { description: "Queued for later", schema: Receipt } } })
  placeOrder() {
    return { id: "1" };
  }

  @get("/export.csv", { responses: { 200: { description: "Every order as CSV", mediaType: "text/csv" } } })
  exportCSVFile() {
    return "";
  }
}

@controller("/legacy", { deprecated: true })
class LegacyController {
  @get("/")
  fetch_all_items() {
    return [];
  }

  @del("/", { deprecated: false })
  purge() {}
}

/** Its auto id would be `LegacyController_fetch_all_items`, which another route claims by hand. */
@controller("/thief")
class ThiefController {
  @get("/", { operationId: "LegacyController_fetch_all_items" })
  steal() {
    return {};
  }
}

function build(options: LaurenOptions = {}, controllers: (new () => unknown)[] = [OrderController, LegacyController, ThiefController]) {
  @module({ controllers })
  class ShopModule {}
  return LaurenFactory.create(ShopModule, { logger: false, ...options });
}

function doc(options: LaurenOptions = {}, controllers?: (new () => unknown)[]): OpenApiDocument {
  return openApiDocument(build(options, controllers));
}

const document = doc({ openapiTags: [{ name: "shop", description: "The shop." }] });

function op(path: string, method: string, d: OpenApiDocument = document): OpenApiOperation {
  const found = d.paths[path]?.[method];
  assert.ok(found, `${method} ${path} is documented`);
  return found;
}

function fails(pattern: RegExp, make: () => unknown): void {
  assert.throws(make, (err: unknown) => {
    assert.ok(err instanceof ConfigurationError && err instanceof StartupError, String(err));
    assert.match(err.message, pattern);
    return true;
  });
}

describe("operation text", () => {
  test("a missing summary is the handler's name in words; nothing invents a description", () => {
    assert.equal(op("/orders/", "get").summary, "List open orders");
    assert.equal(op("/orders/", "get").description, undefined);
    assert.equal(op("/legacy/", "get").summary, "Fetch all items");
    assert.equal(op("/orders/export.csv", "get").summary, "Export CSV file");
    assert.equal(op("/legacy/", "delete").summary, "Purge");
  });

  test("summary and description options are used as given", () => {
    assert.equal(op("/orders/{id}", "get").summary, "Track an order");
    assert.equal(op("/orders/{id}", "get").description, "Where the parcel is **now**.");
  });

  test("controller tags, described ones listed at the top in first-seen order after openapiTags", () => {
    assert.deepEqual(op("/orders/", "get").tags, ["orders", "shop"]);
    assert.deepEqual(op("/orders/{id}", "get").tags, ["orders", "shop", "tracking"]);
    assert.deepEqual(document.tags, [
      { name: "shop", description: "The shop." },
      { name: "orders", description: "Placing and tracking orders." },
      { name: "tracking" },
    ]);
  });

  test("one tag described two different ways is refused", () => {
    fails(
      /tag "orders" is described twice, differently, by openapiTags and the controller of GET \/orders \(OrderController\.listOpenOrders\)/,
      () => doc({ openapiTags: [{ name: "orders", description: "Something else." }] }),
    );
  });

  test("deprecated on a route or a whole controller; a route can opt back out", () => {
    assert.equal(op("/orders/", "post").deprecated, true);
    assert.equal(op("/orders/", "get").deprecated, undefined);
    assert.equal(op("/legacy/", "get").deprecated, true);
    assert.equal(op("/legacy/", "delete").deprecated, undefined);
  });
});

describe("operation ids", () => {
  test("an operationId given is used; auto ids step around it and stay the same between builds", () => {
    assert.equal(op("/orders/{id}", "get").operationId, "trackOrder");
    assert.equal(op("/thief/", "get").operationId, "LegacyController_fetch_all_items");
    assert.equal(op("/legacy/", "get").operationId, "LegacyController_fetch_all_items_2");
    const again = doc();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) assert.equal(again.paths[path]?.[method]?.operationId, operation.operationId);
    }
  });

  test("two routes with one operationId fail at start-up naming both", () => {
    @controller("/twins")
    class Twins {
      @get("/a", { operationId: "twin" })
      a() {}
      @get("/b", { operationId: "twin" })
      b() {}
    }
    fails(/GET \/twins\/a.*GET \/twins\/b.*both have operationId "twin"/, () => build({ openapiUrl: "/openapi.json" }, [Twins]));
  });

  test("an operationId that is not URL-safe is refused", () => {
    @controller("/bad")
    class Bad {
      @get("/", { operationId: "list orders" })
      a() {}
    }
    fails(/operationId "list orders"/, () => doc({}, [Bad]));
  });
});

describe("declared responses", () => {
  test("a status with a text documents a response without a body", () => {
    assert.deepEqual(op("/orders/{id}", "get").responses["304"], { description: "Not modified since If-None-Match" });
  });

  test("a schema documents the body; a range key is kept", () => {
    const track = op("/orders/{id}", "get");
    assert.deepEqual(track.responses["4XX"]?.content?.["application/json"]?.schema, { $ref: "#/components/schemas/Receipt" });
    assert.deepEqual(Object.keys(track.responses), ["200", "304", "4XX"]);
    assert.deepEqual(op("/orders/", "post").responses["202"]?.content?.["application/json"]?.schema, {
      $ref: "#/components/schemas/Receipt",
    });
  });

  test("a declared status replaces the generated one, with its media type", () => {
    const csv = op("/orders/export.csv", "get").responses["200"];
    assert.deepEqual(csv, { description: "Every order as CSV", content: { "text/csv": { schema: {} } } });
  });

  test("an operation that answers no 4xx of its own still documents the envelope any 4xx would carry", () => {
    const list = op("/orders/", "get").responses;
    assert.deepEqual(list["4XX"]?.content?.["application/json"]?.schema, { $ref: "#/components/schemas/ErrorEnvelope" });
    // A declared 4xx (here the range) is the operation's own: no fallback is added over it.
    assert.equal(op("/orders/{id}", "get").responses["4XX"]?.description, "Any client error");
  });

  test("a key that is not a status, a range or default is refused, as is an entry without a description", () => {
    @controller("/weird")
    class Weird {
      @get("/", { responses: { teapot: "I'm a teapot" } })
      a() {}
    }
    fails(/GET \/weird.*"teapot".*a status \(404\), a range \("4XX"\) or "default"/, () => doc({}, [Weird]));
    @controller("/mute")
    class Mute {
      @get("/", { responses: { 410: "" } })
      a() {}
    }
    fails(/GET \/mute.*410 response without a description/, () => doc({}, [Mute]));
  });
});

describe("info, servers and the root path", () => {
  test("every info field is passed on", () => {
    const info = {
      title: "Shop",
      version: "3.2.1",
      summary: "Buy things.",
      description: "A longer story.",
      termsOfService: "https://shop.test/terms",
      contact: { name: "Ops", url: "https://shop.test", email: "ops@shop.test" },
      license: { name: "Apache 2.0", identifier: "Apache-2.0" },
    };
    assert.deepEqual(doc({ openapiInfo: info }).info, info);
  });

  test("a license with both identifier and url is refused", () => {
    fails(/license has both identifier and url/, () =>
      doc({ openapiInfo: { license: { name: "MIT", identifier: "MIT", url: "https://x.test" } } }),
    );
  });

  test("servers default to the root path, or / without one; given servers are used as they are", () => {
    assert.deepEqual(document.servers, [{ url: "/" }]);
    assert.deepEqual(doc({ openapiRootPath: "/api" }).servers, [{ url: "/api" }]);
    const servers = [
      { url: "https://{region}.shop.test/v1", description: "Production", variables: { region: { default: "eu", enum: ["eu", "us"] } } },
    ];
    assert.deepEqual(doc({ openapiServers: servers }).servers, servers);
  });

  test("a root path must look like /api", () => {
    for (const bad of ["api", "/api/", "/a?b"])
      fails(/openapiRootPath must be a path prefix like "\/api"/, () => doc({ openapiRootPath: bad }));
  });

  test("behind the root path, the docs page loads its assets and the document under it", async () => {
    const client = new TestClient(build({ openapiUrl: "/openapi.json", docsUrl: "/docs", openapiRootPath: "/api" }));
    const page = await client.get("/docs");
    assert.match(page.text, /src="\/api\/docs\/assets\/swagger-ui-bundle\.js\?v=/);
    const init = await client.get("/docs/assets/init.js");
    assert.match(init.text, /url: "\/api\/openapi\.json"/);
    assert.deepEqual((await client.get("/openapi.json")).json<OpenApiDocument>().servers, [{ url: "/api" }]);
  });

  test("the whole document passes an OpenAPI 3.1 validator", async () => {
    const result = await new Validator().validate(structuredClone(document) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });
});
