import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { controller, get, InvalidRouteError, LaurenFactory, module, openApiDocument, post } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

@controller("/files")
class FilesController {
  @get("/{*path}")
  rest({ params }: { params: Readonly<Record<string, string>> }) {
    return { path: params.path };
  }

  @get("/meta/{id}")
  meta({ params }: { params: Readonly<Record<string, string>> }) {
    return { id: params.id };
  }
}

@controller("/both")
class StackedController {
  @get("/")
  @post("/")
  either({ request }: { request: { method: string } }) {
    return { method: request.method };
  }

  @get("/a")
  @get("/b")
  twoPaths() {
    return { ok: true };
  }
}

@module({ controllers: [FilesController, StackedController] })
class AppModule {}

describe("wildcard routes", () => {
  const app = LaurenFactory.create(AppModule, { logger: false, openapiUrl: "/openapi.json" });
  const client = new TestClient(app);

  it("{*path} takes the rest of the path, slashes included", async () => {
    const res = await client.get("/files/docs/2024/report.pdf");
    assert.deepEqual(res.json(), { path: "docs/2024/report.pdf" });
  });

  it("a more specific route still wins over the wildcard", async () => {
    assert.deepEqual((await client.get("/files/meta/7")).json(), { id: "7" });
    assert.deepEqual((await client.get("/files/meta/7/more")).json(), { path: "meta/7/more" });
  });

  it("is documented as a plain path parameter", () => {
    const doc = openApiDocument(app);
    const op = doc.paths["/files/{path}"]?.get;
    assert.ok(op, `paths: ${Object.keys(doc.paths).join(", ")}`);
    assert.deepEqual(
      op.parameters?.map((p) => p.name),
      ["path"],
    );
  });

  it("anywhere but the last segment is refused at start-up", () => {
    @controller("/bad")
    class Bad {
      @get("/{*rest}/tail")
      h() {
        return {};
      }
    }
    @module({ controllers: [Bad] })
    class BadModule {}
    assert.throws(() => LaurenFactory.create(BadModule, { logger: false }), InvalidRouteError);
  });
});

describe("stacked verb decorators", () => {
  const app = LaurenFactory.create(AppModule, { logger: false });
  const client = new TestClient(app);

  it("register one route per decorator on the same method", async () => {
    assert.deepEqual((await client.get("/both")).json(), { method: "GET" });
    assert.deepEqual((await client.post("/both")).json(), { method: "POST" });
    assert.equal((await client.get("/both/a")).status, 200);
    assert.equal((await client.get("/both/b")).status, 200);
    assert.equal((await client.options("/both")).header("allow"), "GET, HEAD, OPTIONS, POST");
  });
});
