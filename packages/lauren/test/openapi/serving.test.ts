import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import {
  ConfigurationError,
  controller,
  get,
  LaurenFactory,
  type LaurenOptions,
  module,
  openApiDocument,
  post,
  RouteConflictError,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { gadgetApp } from "./fixture.js";

const app = gadgetApp();
const client = new TestClient(app);

function appWith(path: string, options: LaurenOptions) {
  @controller("/")
  class ClashController {
    @get(path)
    mine() {
      return { mine: true };
    }
  }
  @module({ controllers: [ClashController] })
  class ClashModule {}
  return () => LaurenFactory.create(ClashModule, { logger: false, ...options });
}

describe("serving the document", () => {
  test("the document is served at openapiUrl as application/json", async () => {
    const res = await client.get("/openapi.json");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "application/json");
    assert.deepEqual(res.json(), JSON.parse(JSON.stringify(openApiDocument(app))));
  });

  test("framework routes never touch the session", async () => {
    for (const path of ["/openapi.json", "/docs", "/docs/assets/init.js"]) {
      const res = await client.get(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.header("set-cookie"), undefined, path);
    }
  });

  test("nothing is served when openapiUrl is not set", async () => {
    const bare = new TestClient(gadgetApp({ openapiUrl: null, docsUrl: null }));
    assert.equal((await bare.get("/openapi.json")).status, 404);
    assert.equal((await bare.get("/docs")).status, 404);
  });

  test("the document alone is served when docsUrl is not set", async () => {
    const only = new TestClient(gadgetApp({ docsUrl: null }));
    assert.equal((await only.get("/openapi.json")).status, 200);
    assert.equal((await only.get("/docs")).status, 404);
  });
});

describe("the docs UI", () => {
  test("the page is HTML from our own origin, with no external URL, under a strict policy", async () => {
    const res = await client.get("/docs");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "text/html; charset=utf-8");
    assert.doesNotMatch(res.text, /https?:\/\//);
    assert.doesNotMatch(res.text, /<script>/, "no inline script");
    assert.match(res.text, /<script src="\/docs\/assets\/swagger-ui-bundle\.js\?v=\d+\.\d+\.\d+"><\/script>/);
    assert.match(res.text, /<title>Gadget &#60;Works&#62; 2\.1\.0 – API docs<\/title>/, "the title is escaped");
    const csp = res.header("content-security-policy") ?? "";
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self'/);
    assert.equal(res.header("x-content-type-options"), "nosniff");
  });

  test("the start-up script points Swagger UI at openapiUrl and turns the online validator off", async () => {
    const res = await client.get("/docs/assets/init.js");
    assert.equal(res.header("content-type"), "text/javascript; charset=utf-8");
    assert.match(res.text, /url: "\/openapi\.json"/);
    assert.match(res.text, /validatorUrl: null/);
  });

  test("assets are served with their content types, gzipped when the client accepts it", async () => {
    const types: Record<string, string> = {
      "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
      "swagger-ui.css": "text/css; charset=utf-8",
      "index.css": "text/css; charset=utf-8",
      "favicon-32x32.png": "image/png",
      "favicon-16x16.png": "image/png",
    };
    for (const [name, type] of Object.entries(types)) {
      const res = await client.get(`/docs/assets/${name}`);
      assert.equal(res.status, 200, name);
      assert.equal(res.header("content-type"), type, name);
      assert.equal(res.header("x-content-type-options"), "nosniff", name);
      assert.match(res.header("cache-control") ?? "", /max-age=/, name);
    }
    const plain = await client.get("/docs/assets/swagger-ui-bundle.js");
    assert.equal(plain.header("content-encoding"), undefined);
    assert.match(plain.text, /SwaggerUIBundle/);
    const packed = await client.get("/docs/assets/swagger-ui-bundle.js", { headers: { "accept-encoding": "gzip, deflate" } });
    assert.equal(packed.header("content-encoding"), "gzip");
    assert.equal(packed.header("vary"), "accept-encoding");
    assert.ok(packed.body.length < plain.body.length / 2);
    assert.deepEqual(gunzipSync(packed.body), plain.body);
    const refused = await client.get("/docs/assets/swagger-ui.css", { headers: { "accept-encoding": "gzip;q=0, br" } });
    assert.equal(refused.header("content-encoding"), undefined);
  });

  test("only the listed assets are served; HEAD works like for any GET route", async () => {
    assert.equal((await client.get("/docs/assets/package.json")).status, 404);
    assert.equal((await client.get("/docs/assets/constructor")).json().error.code, "route_not_found");
    assert.equal((await client.get("/docs/assets/../package.json")).status, 404);
    const head = await client.head("/docs");
    assert.equal(head.status, 200);
    assert.equal(head.text, "");
    assert.equal((await client.post("/docs")).status, 405);
  });

  test("the docs and their assets follow docsUrl", async () => {
    const nested = new TestClient(gadgetApp({ docsUrl: "/api/docs", openapiUrl: "/api/openapi.json" }));
    const page = await nested.get("/api/docs");
    assert.match(page.text, /href="\/api\/docs\/assets\/swagger-ui\.css\?v=/);
    assert.equal((await nested.get("/api/docs/assets/swagger-ui.css")).status, 200);
    assert.match((await nested.get("/api/docs/assets/init.js")).text, /url: "\/api\/openapi\.json"/);
  });
});

describe("start-up checks", () => {
  test("a user route on openapiUrl is a RouteConflictError naming the option", () => {
    assert.throws(
      appWith("/openapi.json", { openapiUrl: "/openapi.json" }),
      (err: unknown) =>
        err instanceof RouteConflictError &&
        /ClashController\.mine/.test(err.message) &&
        /set openapiUrl to another path/.test(err.message),
    );
  });

  test("a user route on docsUrl is a RouteConflictError naming the option", () => {
    assert.throws(
      appWith("/docs/", { openapiUrl: "/openapi.json", docsUrl: "/docs" }),
      (err: unknown) =>
        err instanceof RouteConflictError && /the docsUrl option/.test(err.message) && /set docsUrl to another path/.test(err.message),
    );
  });

  test("a user route of the same shape on another method shares the path without breaking the assets", async () => {
    @controller("/docs")
    class UploadController {
      @post("/assets/{name}")
      upload() {
        return { uploaded: true };
      }
    }
    @module({ controllers: [UploadController] })
    class UploadModule {}
    const shared = new TestClient(LaurenFactory.create(UploadModule, { logger: false, openapiUrl: "/openapi.json", docsUrl: "/docs" }));
    assert.match((await shared.get("/docs/assets/init.js")).text, /SwaggerUIBundle/);
    assert.equal((await shared.post("/docs/assets/x")).status, 200);
  });

  test("openapiUrl and docsUrl cannot be the same path", () => {
    assert.throws(() => gadgetApp({ openapiUrl: "/api", docsUrl: "/api" }), RouteConflictError);
  });

  test("URLs must be plain absolute paths", () => {
    assert.throws(
      () => gadgetApp({ openapiUrl: "openapi.json" }),
      (err: unknown) => err instanceof ConfigurationError && /openapiUrl must be a plain path/.test(err.message),
    );
    assert.throws(
      () => gadgetApp({ docsUrl: "/docs?x=1" }),
      (err: unknown) => err instanceof ConfigurationError && /docsUrl/.test(err.message),
    );
  });

  test("docsUrl needs openapiUrl", () => {
    assert.throws(() => gadgetApp({ openapiUrl: null }), ConfigurationError);
  });
});
