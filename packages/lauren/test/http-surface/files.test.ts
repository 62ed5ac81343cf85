import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { controller, file, get, LaurenFactory, module, post } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { send } from "../core/support.js";

const dir = mkdtempSync(join(tmpdir(), "lauren-files-test-"));
const publicDir = join(dir, "public");
const outside = join(dir, "outside");
mkdirSync(join(publicDir, "docs"), { recursive: true });
mkdirSync(join(publicDir, "assets"), { recursive: true });
mkdirSync(outside);
const report = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
writeFileSync(join(dir, "report.bin"), report);
writeFileSync(join(publicDir, "index.html"), "<h1>home</h1>");
writeFileSync(join(publicDir, "docs", "index.html"), "<h1>docs</h1>");
writeFileSync(join(publicDir, "style.css"), "body{}");
writeFileSync(join(publicDir, "app.js"), "console.log('plain')");
writeFileSync(join(publicDir, "app.js.gz"), gzipSync("console.log('plain')"));
writeFileSync(join(publicDir, "assets", "app.3f9a8c1b.js"), "hashed");
writeFileSync(join(publicDir, ".env"), "SECRET=1");
writeFileSync(join(outside, "secret.txt"), "outside the root");
symlinkSync(join(outside, "secret.txt"), join(publicDir, "link.txt"));
const fixed = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
utimesSync(join(dir, "report.bin"), fixed, fixed);
after(() => rmSync(dir, { recursive: true, force: true }));

@controller("/dl")
class DownloadController {
  @get("/report")
  report() {
    return file(join(dir, "report.bin"), { filename: "Q3 report — final.bin", cacheControl: "private, max-age=60" });
  }

  @get("/inline")
  inline() {
    return file(join(publicDir, "style.css"), { disposition: "inline" });
  }

  @get("/memory")
  memory() {
    return file(Buffer.from("in memory bytes"), { type: "text/plain; charset=utf-8" });
  }

  @get("/missing")
  missing() {
    return file(join(dir, "nope.bin"));
  }

  @post("/api")
  api() {
    return { api: true };
  }
}

@module({ controllers: [DownloadController] })
class FilesModule {}

function build() {
  return LaurenFactory.create(FilesModule, {
    logger: false,
    staticFiles: [{ directory: publicDir, prefix: "/" }],
  });
}

describe("file responses", () => {
  const client = new TestClient(build());

  it("stream the file with its type, length, disposition and validators", async () => {
    const res = await client.get("/dl/report");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, report);
    assert.equal(res.header("content-type"), "application/octet-stream");
    assert.equal(res.header("content-length"), "100");
    assert.equal(
      res.header("content-disposition"),
      `attachment; filename="Q3 report _ final.bin"; filename*=UTF-8''Q3%20report%20%E2%80%94%20final.bin`,
    );
    assert.equal(res.header("cache-control"), "private, max-age=60");
    assert.equal(res.header("last-modified"), fixed.toUTCString());
    assert.match(res.header("etag") ?? "", /^W\/"64-[0-9a-f]+"$/);
    assert.equal(res.header("accept-ranges"), "bytes");
  });

  it("inline disposition keeps plain names plain; media type comes from the extension", async () => {
    const res = await client.get("/dl/inline");
    assert.equal(res.header("content-disposition"), 'inline; filename="style.css"');
    assert.equal(res.header("content-type"), "text/css; charset=utf-8");
  });

  it("If-None-Match and If-Modified-Since answer 304 with no body", async () => {
    const first = await client.get("/dl/report");
    const etag = first.header("etag") as string;
    const byTag = await client.get("/dl/report", { headers: { "if-none-match": etag } });
    assert.equal(byTag.status, 304);
    assert.equal(byTag.text, "");
    assert.equal(byTag.header("etag"), etag);
    assert.equal(byTag.header("content-disposition"), undefined);
    const byDate = await client.get("/dl/report", { headers: { "if-modified-since": fixed.toUTCString() } });
    assert.equal(byDate.status, 304);
    const older = await client.get("/dl/report", { headers: { "if-modified-since": new Date(fixed.getTime() - 5000).toUTCString() } });
    assert.equal(older.status, 200);
    const otherTag = await client.get("/dl/report", { headers: { "if-none-match": '"other"', "if-modified-since": fixed.toUTCString() } });
    assert.equal(otherTag.status, 200, "If-None-Match wins over If-Modified-Since");
  });

  it("a single range is a 206 with exactly those bytes", async () => {
    const res = await client.get("/dl/report", { headers: { range: "bytes=0-9" } });
    assert.equal(res.status, 206);
    assert.deepEqual(res.body, report.subarray(0, 10));
    assert.equal(res.header("content-range"), "bytes 0-9/100");
    assert.equal(res.header("content-length"), "10");
    const suffix = await client.get("/dl/report", { headers: { range: "bytes=-5" } });
    assert.deepEqual(suffix.body, report.subarray(95));
    const open = await client.get("/dl/report", { headers: { range: "bytes=98-" } });
    assert.deepEqual(open.body, report.subarray(98));
  });

  it("an unsatisfiable range is a 416; several ranges get the whole file", async () => {
    const res = await client.get("/dl/report", { headers: { range: "bytes=100-200" } });
    assert.equal(res.status, 416);
    assert.equal(res.header("content-range"), "bytes */100");
    const many = await client.get("/dl/report", { headers: { range: "bytes=0-1,5-6" } });
    assert.equal(many.status, 200);
    assert.equal(many.body.length, 100);
  });

  it("bytes in memory get a content hash ETag", async () => {
    const res = await client.get("/dl/memory");
    assert.equal(res.text, "in memory bytes");
    const etag = res.header("etag") as string;
    assert.match(etag, /^"[A-Za-z0-9_-]{27}"$/);
    assert.equal((await client.get("/dl/memory", { headers: { "if-none-match": etag } })).status, 304);
    assert.equal((await client.get("/dl/memory", { headers: { range: "bytes=3-8" } })).text, "memory");
  });

  it("a missing file is a 404 envelope", async () => {
    const res = await client.get("/dl/missing");
    assert.equal(res.status, 404);
    assert.equal(res.json().error.message, "file not found");
  });
});

describe("static files", () => {
  const client = new TestClient(build());

  it("serve index.html for the root and for folders", async () => {
    const home = await client.get("/");
    assert.equal(home.status, 200);
    assert.equal(home.text, "<h1>home</h1>");
    assert.equal(home.header("content-type"), "text/html; charset=utf-8");
    assert.equal(home.header("cache-control"), "public, max-age=0");
    assert.equal((await client.get("/docs/")).text, "<h1>docs</h1>");
    assert.equal((await client.get("/docs")).text, "<h1>docs</h1>");
  });

  it("hashed assets are immutable; others revalidate with the ETag", async () => {
    const hashed = await client.get("/assets/app.3f9a8c1b.js");
    assert.equal(hashed.header("cache-control"), "public, max-age=31536000, immutable");
    const css = await client.get("/style.css");
    const again = await client.get("/style.css", { headers: { "if-none-match": css.header("etag") as string } });
    assert.equal(again.status, 304);
  });

  it("a precompressed sibling is sent when the client accepts it", async () => {
    const gz = await client.get("/app.js", { headers: { "accept-encoding": "br, gzip" } });
    assert.equal(gz.header("content-encoding"), "gzip");
    assert.equal(gz.header("vary"), "Accept-Encoding");
    assert.equal(gz.header("content-type"), "text/javascript; charset=utf-8");
    assert.deepEqual(gz.body, gzipSync("console.log('plain')"));
    const plain = await client.get("/app.js");
    assert.equal(plain.header("content-encoding"), undefined);
    assert.equal(plain.text, "console.log('plain')");
  });

  it("routes win over files, and other methods still get 404/405 as before", async () => {
    assert.equal((await client.post("/dl/api")).status, 200);
    const nope = await client.get("/nope");
    assert.equal(nope.status, 404);
    assert.equal(nope.text, '{"error":{"code":"route_not_found","message":"No route matches GET /nope","detail":{}}}');
    assert.equal((await client.delete("/style.css")).status, 404);
    assert.equal((await client.get("/dl/api")).status, 405);
  });

  it("dotfiles, traversal in every spelling and symlinks out of the root are all 404", async () => {
    const attempts = [
      "/.env",
      "/%2eenv",
      "/../report.bin",
      "/%2e%2e/report.bin",
      "/%2E%2E/report.bin",
      "/docs/..%2f..%2freport.bin",
      "/docs/%2e%2e%2f%2e%2e%2freport.bin",
      "/..%5creport.bin",
      "/docs\\..\\..\\report.bin",
      "/style.css%00.html",
      "/style.css%00",
      "/%ff",
      "/link.txt",
      "/docs//index.html",
      "/C:%5cwindows",
    ];
    for (const path of attempts) {
      const res = await client.get(path);
      assert.equal(res.status, 404, `${path} answered ${res.status}`);
      assert.equal(res.json().error.code, "route_not_found", path);
    }
  });

  it("a mount's own headers go on every file it sends, 304s included", async () => {
    const csp = "default-src 'self'; frame-ancestors 'none'";
    const app = LaurenFactory.create(FilesModule, {
      logger: false,
      staticFiles: { directory: publicDir, headers: { "Content-Security-Policy": csp, "x-frame-options": "DENY" } },
    });
    const c = new TestClient(app);
    const home = await c.get("/");
    assert.equal(home.header("content-security-policy"), csp);
    assert.equal(home.header("x-frame-options"), "DENY");
    assert.equal(home.header("cache-control"), "public, max-age=0");
    const again = await c.get("/", { headers: { "if-none-match": home.header("etag") as string } });
    assert.equal(again.status, 304);
    assert.equal(again.header("content-security-policy"), csp);
    const gz = await c.get("/app.js", { headers: { "accept-encoding": "gzip" } });
    assert.equal(gz.header("content-encoding"), "gzip");
    assert.equal(gz.header("x-frame-options"), "DENY");
    // Routes are not the mount's: they keep their own headers.
    assert.equal((await c.post("/dl/api")).header("content-security-policy"), undefined);
  });

  it("a mount's headers may not replace what it sets itself, nor be malformed", () => {
    const create = (headers: Record<string, string>) => () =>
      LaurenFactory.create(FilesModule, { logger: false, staticFiles: { directory: publicDir, headers } });
    assert.throws(create({ "Cache-Control": "no-store" }), (err: Error) => {
      assert.equal(err.name, "ConfigurationError");
      assert.match(err.message, /headers may not set cache-control.*maxAge/);
      return true;
    });
    assert.throws(create({ "x-note": "a\r\nset-cookie: x=1" }), /headers\.x-note is not a valid header/);
    assert.throws(create({ "bad name": "1" }), /headers\.bad name is not a valid header/);
  });

  it("a missing directory stops create()", () => {
    assert.throws(
      () => LaurenFactory.create(FilesModule, { logger: false, staticFiles: { directory: join(dir, "no-such-dir") } }),
      /does not exist/,
    );
  });
});

describe("static files over a real socket", () => {
  const app = build();
  let url = "";
  before(async () => {
    url = (await app.listen({ port: 0 })).url;
  });
  after(() => app.shutdown());

  it("raw traversal that no client would normalise is still a 404", async () => {
    const { port } = new URL(url);
    for (const path of [
      "/../report.bin",
      "/docs/../../report.bin",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/./style.css",
      "/docs/./index.html",
      "/docs/../style.css",
    ]) {
      const head = await rawGet(Number(port), path);
      assert.match(head, /^HTTP\/1\.1 404 /, `${path}: ${head.split("\r\n")[0]}`);
    }
    assert.match(await rawGet(Number(port), "/style.css"), /^HTTP\/1\.1 200 /);
    const ok = await send(`${url}/style.css`, { headers: { range: "bytes=0-3" } });
    assert.equal(ok.status, 206);
    assert.equal(ok.text, "body");
  });
});

/** A request line sent byte for byte, as a hostile client would: no URL normalisation on the way. */
function rawGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.on("error", reject);
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`no answer for ${path}`));
    });
  });
}
