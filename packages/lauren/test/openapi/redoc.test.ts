/**
 * The ReDoc page over HTTP: its HTML, its policy (a fresh style nonce per response), its
 * start-up script, and the one bundle it loads, served from our own origin with ReDoc's
 * CDN logo taken out.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { ConfigurationError, type OpenApiDocument } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { gadgetApp } from "./fixture.js";

const client = new TestClient(gadgetApp({ redocUrl: "/redoc", openapiRootPath: "/api" }));

function nonceOf(csp: string | undefined): string {
  const match = /style-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp ?? "");
  assert.ok(match, `a style nonce in ${csp}`);
  return match[1] as string;
}

describe("the ReDoc page", () => {
  test("is HTML from our own origin, titled with the API's name and version", async () => {
    const res = await client.get("/redoc");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "text/html; charset=utf-8");
    assert.match(res.text, /<title>Gadget &#60;Works&#62; 2\.1\.0 – API docs<\/title>/);
    assert.doesNotMatch(res.text, /https?:\/\//);
    assert.doesNotMatch(res.text, /<script>/, "no inline script");
    assert.doesNotMatch(res.text, /<style/, "no inline style");
    assert.match(res.text, /<script src="\/api\/redoc\/assets\/redoc\.standalone\.js\?v=\d+\.\d+\.\d+" nonce="[^"]+"><\/script>/);
  });

  test("its policy allows only our origin, and styles carrying a nonce that is new on every response", async () => {
    const [a, b] = [await client.get("/redoc"), await client.get("/redoc")];
    const csp = a.header("content-security-policy") ?? "";
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "connect-src 'self'",
      "worker-src blob:",
      "frame-ancestors 'none'",
    ]) {
      assert.ok(csp.split("; ").includes(directive), `${directive} in ${csp}`);
    }
    assert.doesNotMatch(csp, /unsafe/);
    const nonce = nonceOf(csp);
    assert.notEqual(nonceOf(b.header("content-security-policy")), nonce);
    assert.ok(Buffer.from(nonce, "base64").length >= 16, "128 bits of randomness");
    assert.match(a.text, new RegExp(`nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`), "the page's scripts carry the header's nonce");
    assert.equal(a.header("x-content-type-options"), "nosniff");
    assert.equal(a.header("cache-control"), "no-cache");
  });

  test("the start-up script points ReDoc at the document under the root path and passes the nonce on", async () => {
    const res = await client.get("/redoc/assets/init.js");
    assert.equal(res.header("content-type"), "text/javascript; charset=utf-8");
    assert.match(res.text, /Redoc\.init\("\/api\/openapi\.json", \{ nonce: document\.currentScript\.nonce \}/);
  });

  test("the bundle is served gzipped, without ReDoc's CDN logo, and nothing else of the package is", async () => {
    const res = await client.get("/redoc/assets/redoc.standalone.js", { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.status, 200);
    assert.equal(res.header("content-encoding"), "gzip");
    const bundle = gunzipSync(res.body).toString("utf8");
    assert.ok(bundle.length > 500_000, "the whole standalone bundle");
    assert.doesNotMatch(bundle, /cdn\.redoc\.ly/);
    assert.match(bundle, /r\.nc=document\.currentScript&&document\.currentScript\.nonce/);
    assert.equal((await client.get("/redoc/assets/package.json")).status, 404);
    assert.equal((await client.get("/redoc/assets/redoc.lib.js")).status, 404);
  });

  test("the document it shows is the one the app serves, with the root path as its server", async () => {
    const doc = (await client.get("/openapi.json")).json<OpenApiDocument>();
    assert.deepEqual(doc.servers, [{ url: "/api" }]);
    assert.equal(doc.paths["/redoc"], undefined, "the page itself is not documented");
  });

  test("redocUrl needs openapiUrl", () => {
    assert.throws(
      () => gadgetApp({ openapiUrl: null, docsUrl: null, redocUrl: "/redoc" }),
      (err: unknown) =>
        err instanceof ConfigurationError && /redocUrl \/redoc needs the OpenAPI document: set openapiUrl/.test(err.message),
    );
  });
});
