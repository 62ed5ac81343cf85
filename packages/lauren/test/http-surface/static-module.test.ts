/**
 * StaticFilesModule: a folder mounted by importing a module, served by the same engine as the
 * `staticFiles` option, with every property of a static mount checked through it; and
 * compression of static files and file responses that have no precompressed sibling.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { brotliCompressSync, brotliDecompressSync, createGunzip, gunzipSync, gzipSync } from "node:zlib";
import {
  ConfigurationError,
  controller,
  EventStream,
  file,
  get,
  LaurenFactory,
  module,
  ndjson,
  ServerSentEvent,
  StaticFilesModule,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { send } from "../core/support.js";

const dir = mkdtempSync(join(tmpdir(), "lauren-static-module-"));
const site = join(dir, "site");
const assets = join(dir, "assets");
const outside = join(dir, "outside");
for (const d of [join(site, "guide"), join(site, ".git"), join(assets, "img"), join(outside, "folder")]) mkdirSync(d, { recursive: true });
const CSS = `body { color: black; }\n${"p { margin: 0; }\n".repeat(200)}`;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(4000, 1)]);
writeFileSync(join(site, "index.html"), "<h1>site</h1>");
writeFileSync(join(site, "guide", "index.html"), "<h1>guide</h1>");
writeFileSync(join(site, ".git", "config"), "[core]");
writeFileSync(join(site, ".htpasswd"), "admin:x");
writeFileSync(join(site, "%2e%2e"), "a file literally named %2e%2e");
writeFileSync(join(assets, "site.css"), CSS);
writeFileSync(join(assets, "site.css.br"), brotliCompressSync(CSS));
writeFileSync(join(assets, "site.css.gz"), gzipSync(CSS));
writeFileSync(join(assets, "only-gz.js"), "console.log(1)");
writeFileSync(join(assets, "only-gz.js.gz"), gzipSync("console.log(1)"));
writeFileSync(join(assets, "app.0a1b2c3d4e.js"), "hashed();");
writeFileSync(join(assets, "plain.css"), CSS);
writeFileSync(join(assets, "tiny.css"), "a{}");
writeFileSync(join(assets, "img", "logo.png"), PNG);
writeFileSync(join(outside, "secret.txt"), "outside the root");
writeFileSync(join(outside, "folder", "index.html"), "outside folder");
writeFileSync(join(dir, "secret.txt"), "next to the root");
symlinkSync(join(outside, "secret.txt"), join(site, "leak.txt"));
symlinkSync(join(outside, "folder"), join(site, "leak-dir"));
symlinkSync(join(site, "guide", "index.html"), join(site, "inside.html"));
after(() => rmSync(dir, { recursive: true, force: true }));
/** Lets the /api/ticks stream go on to its second line. */
let release: () => void = () => undefined;

@controller("/api")
class ApiController {
  @get("/hello")
  hello() {
    return { hello: true };
  }

  @get("/report.css", { compress: true })
  report() {
    return file(join(assets, "plain.css"));
  }

  @get("/bytes.txt", { compress: true })
  bytes() {
    return file(Buffer.from(CSS), { type: "text/plain; charset=utf-8" });
  }

  @get("/ticks", { compress: true })
  ticks() {
    async function* lines() {
      yield { tick: 1 };
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      yield { tick: 2 };
    }
    return ndjson(lines());
  }

  @get("/feed", { compress: true })
  feed() {
    async function* events() {
      for (let i = 0; i < 3; i++) yield new ServerSentEvent({ data: `frame ${i} ${"x".repeat(600)}` });
    }
    return new EventStream(events());
  }
}

/** A user's feature module: it brings its own folder. */
@module({ imports: [StaticFilesModule.forRoot({ directory: assets, prefix: "/assets", maxAge: 600 })] })
class AssetsModule {}

@module({
  imports: [AssetsModule, StaticFilesModule.forRoot({ directory: site })],
  controllers: [ApiController],
})
class SiteModule {}

describe("StaticFilesModule", () => {
  const client = new TestClient(LaurenFactory.create(SiteModule, { logger: false }));

  it("serves index.html at the root and for folders, with or without a slash", async () => {
    const home = await client.get("/");
    assert.equal(home.status, 200);
    assert.equal(home.text, "<h1>site</h1>");
    assert.equal(home.header("content-type"), "text/html; charset=utf-8");
    assert.equal(home.header("cache-control"), "public, max-age=0");
    assert.equal((await client.get("/guide")).text, "<h1>guide</h1>");
    assert.equal((await client.get("/guide/")).text, "<h1>guide</h1>");
  });

  it("serves an imported module's folder under its prefix with its max-age; hashed names are immutable", async () => {
    const css = await client.get("/assets/plain.css");
    assert.equal(css.text, CSS);
    assert.equal(css.header("cache-control"), "public, max-age=600");
    assert.equal(css.header("content-length"), String(Buffer.byteLength(CSS)));
    const hashed = await client.get("/assets/app.0a1b2c3d4e.js");
    assert.equal(hashed.text, "hashed();");
    assert.equal(hashed.header("cache-control"), "public, max-age=31536000, immutable");
    assert.equal((await client.get("/plain.css")).status, 404, "only under its prefix");
  });

  it("ETag and Last-Modified answer 304 with no body", async () => {
    const first = await client.get("/assets/plain.css");
    const etag = first.header("etag") as string;
    assert.match(etag, /^W\/"/);
    const byTag = await client.get("/assets/plain.css", { headers: { "if-none-match": etag } });
    assert.equal(byTag.status, 304);
    assert.equal(byTag.body.length, 0);
    assert.equal(byTag.header("cache-control"), "public, max-age=600");
    const byDate = await client.get("/assets/plain.css", { headers: { "if-modified-since": first.header("last-modified") as string } });
    assert.equal(byDate.status, 304);
    assert.equal((await client.get("/assets/plain.css", { headers: { "if-none-match": '"stale"' } })).status, 200);
  });

  it("sends the precompressed sibling the client prefers: brotli, then gzip, else the file", async () => {
    const br = await client.get("/assets/site.css", { headers: { "accept-encoding": "gzip, br" } });
    assert.equal(br.header("content-encoding"), "br");
    assert.equal(br.header("vary"), "Accept-Encoding");
    assert.equal(br.header("content-type"), "text/css; charset=utf-8");
    assert.equal(brotliDecompressSync(br.body).toString(), CSS);
    const gz = await client.get("/assets/site.css", { headers: { "accept-encoding": "gzip" } });
    assert.equal(gz.header("content-encoding"), "gzip");
    assert.equal(gunzipSync(gz.body).toString(), CSS);
    assert.notEqual(gz.header("etag"), br.header("etag"), "each encoding has its own validator");
    const onlyGz = await client.get("/assets/only-gz.js", { headers: { "accept-encoding": "br, gzip" } });
    assert.equal(onlyGz.header("content-encoding"), "gzip", "no .br sibling: the .gz one");
    const plain = await client.get("/assets/site.css", { headers: { "accept-encoding": "br;q=0, gzip;q=0" } });
    assert.equal(plain.header("content-encoding"), undefined);
    assert.equal(plain.header("vary"), "Accept-Encoding", "a cache keeps it apart from the encoded siblings");
    assert.equal(plain.text, CSS);
  });

  it("hides dotfiles and dot-folders", async () => {
    for (const path of ["/.htpasswd", "/.git/config", "/.git/", "/%2egit/config", "/guide/.%2e/.htpasswd"]) {
      assert.equal((await client.get(path)).status, 404, path);
    }
  });

  it("answers every traversal spelling with the unknown-route 404", async () => {
    const attempts = [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2e/secret.txt",
      "/guide/..%2f..%2fsecret.txt",
      "/guide%2f..%2f..%2fsecret.txt",
      "/%2e%2e%2fsecret.txt",
      "/..%5csecret.txt",
      "/guide\\..\\..\\secret.txt",
      "/guide/%5c..%5c..%5csecret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/%252e%252e/secret.txt",
      "/%252e%252e%252fsecret.txt",
      "/guide/%252e%252e%252f%252e%252e%252fsecret.txt",
      "/index.html%00",
      "/%c0%ae%c0%ae/secret.txt",
      "/guide//index.html",
    ];
    for (const path of attempts) {
      const res = await client.get(path);
      assert.equal(res.status, 404, `${path} answered ${res.status}`);
      assert.equal(res.json().error.code, "route_not_found", path);
    }
    // Decoded once only: "%252e%252e" names a file literally called "%2e%2e", which may exist.
    assert.equal((await client.get("/%252e%252e")).text, "a file literally named %2e%2e");
  });

  it("refuses symlinks that lead out of the folder, file or folder; links inside it are served", async () => {
    assert.equal((await client.get("/leak.txt")).status, 404);
    assert.equal((await client.get("/leak-dir/")).status, 404);
    assert.equal((await client.get("/leak-dir/index.html")).status, 404);
    assert.equal((await client.get("/inside.html")).text, "<h1>guide</h1>");
  });

  it("routes win; other methods get the usual answers", async () => {
    assert.deepEqual((await client.get("/api/hello")).json(), { hello: true });
    assert.equal((await client.post("/assets/plain.css")).status, 404);
    const head = await client.head("/assets/plain.css");
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.header("content-length"), String(Buffer.byteLength(CSS)));
  });

  it("a missing folder stops create() with a ConfigurationError naming the module", () => {
    @module({ imports: [StaticFilesModule.forRoot({ directory: join(dir, "nowhere") })] })
    class Broken {}
    assert.throws(
      () => LaurenFactory.create(Broken, { logger: false }),
      (err: unknown) =>
        err instanceof ConfigurationError && /StaticFilesModule\.forRoot \(.*nowhere\): the directory does not exist/.test(err.message),
    );
  });

  it("works beside the staticFiles option, which is tried first", async () => {
    const both = new TestClient(
      LaurenFactory.create(SiteModule, { logger: false, staticFiles: { directory: assets, prefix: "/", maxAge: 5 } }),
    );
    assert.equal((await both.get("/plain.css")).header("cache-control"), "public, max-age=5");
    assert.equal((await both.get("/assets/plain.css")).header("cache-control"), "public, max-age=600");
    assert.equal((await both.get("/")).text, "<h1>site</h1>");
  });
});

describe("compression of files", () => {
  const client = new TestClient(LaurenFactory.create(SiteModule, { logger: false, compression: true }));

  it("compresses a static file with no precompressed sibling on the fly: no length, Vary, a weak validator", async () => {
    const res = await client.get("/assets/plain.css", { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.status, 200);
    assert.equal(res.header("content-encoding"), "gzip");
    assert.equal(res.header("vary"), "Accept-Encoding");
    assert.equal(res.header("content-length"), undefined);
    assert.equal(gunzipSync(res.body).toString(), CSS);
    assert.ok(res.body.length < Buffer.byteLength(CSS) / 4);
    const br = await client.get("/assets/plain.css", { headers: { "accept-encoding": "br" } });
    assert.equal(brotliDecompressSync(br.body).toString(), CSS);
    const etag = res.header("etag") as string;
    assert.equal((await client.get("/assets/plain.css", { headers: { "accept-encoding": "gzip", "if-none-match": etag } })).status, 304);
  });

  it("a precompressed sibling wins over compressing on the fly", async () => {
    const res = await client.get("/assets/site.css", { headers: { "accept-encoding": "gzip" } });
    assert.deepEqual(res.body, gzipSync(CSS));
  });

  it("never compresses a range, a small file, an image or a client that accepts no encoding", async () => {
    const range = await client.get("/assets/plain.css", { headers: { "accept-encoding": "gzip", range: "bytes=0-3" } });
    assert.equal(range.status, 206);
    assert.equal(range.header("content-encoding"), undefined);
    assert.equal(range.header("content-length"), "4");
    assert.equal(range.text, "body");
    const tiny = await client.get("/assets/tiny.css", { headers: { "accept-encoding": "gzip" } });
    assert.equal(tiny.header("content-encoding"), undefined);
    assert.equal(tiny.text, "a{}");
    const png = await client.get("/assets/img/logo.png", { headers: { "accept-encoding": "gzip" } });
    assert.equal(png.header("content-encoding"), undefined);
    assert.equal(png.header("vary"), undefined);
    assert.deepEqual(png.body, PNG);
    const identity = await client.get("/assets/plain.css");
    assert.equal(identity.header("content-encoding"), undefined);
    assert.equal(identity.header("vary"), "Accept-Encoding");
    assert.equal(identity.header("content-length"), String(Buffer.byteLength(CSS)));
  });

  it("HEAD announces the encoding without a length or a body", async () => {
    const head = await client.head("/assets/plain.css", { headers: { "accept-encoding": "gzip" } });
    assert.equal(head.header("content-encoding"), "gzip");
    assert.equal(head.header("content-length"), undefined);
    assert.equal(head.body.length, 0);
  });

  it("a mount's compress: false keeps its files as they are", async () => {
    @module({ imports: [StaticFilesModule.forRoot({ directory: assets, compress: false })] })
    class Plain {}
    const plain = new TestClient(LaurenFactory.create(Plain, { logger: false, compression: true }));
    const res = await plain.get("/plain.css", { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.header("content-encoding"), undefined);
    assert.equal(res.text, CSS);
  });

  it("compresses file() responses of a compressing route; a strong ETag turns weak", async () => {
    const disk = await client.get("/api/report.css", { headers: { "accept-encoding": "gzip" } });
    assert.equal(disk.header("content-encoding"), "gzip");
    assert.equal(gunzipSync(disk.body).toString(), CSS);
    const bytes = await client.get("/api/bytes.txt", { headers: { "accept-encoding": "br" } });
    assert.equal(bytes.header("content-encoding"), "br");
    assert.equal(brotliDecompressSync(bytes.body).toString(), CSS);
    const plain = await client.get("/api/bytes.txt");
    const strong = plain.header("etag") as string;
    assert.match(strong, /^"/);
    assert.equal(bytes.header("etag"), `W/${strong}`);
    assert.equal((await client.get("/api/bytes.txt", { headers: { "accept-encoding": "br", "if-none-match": strong } })).status, 304);
  });

  it("leaves server-sent events alone, even on a compressing route", async () => {
    const res = await client.get("/api/feed", { headers: { "accept-encoding": "gzip, br" } });
    assert.equal(res.header("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(res.header("content-encoding"), undefined);
    assert.match(res.text, /data: frame 2 x+/);
  });
});

describe("compressed files over a real socket", () => {
  const app = LaurenFactory.create(SiteModule, { logger: false, compression: true });
  let url = "";
  before(async () => {
    url = (await app.listen({ port: 0 })).url;
  });
  after(() => app.shutdown());

  it("a gzipped static file arrives chunked, whole and decodable", async () => {
    const res = await rawBytes(`${url}/assets/plain.css`, { "accept-encoding": "gzip" });
    assert.equal(res.headers["content-encoding"], "gzip");
    assert.equal(res.headers["transfer-encoding"], "chunked");
    assert.equal(res.headers["content-length"], undefined);
    assert.equal(gunzipSync(res.body).toString(), CSS);
    const plain = await send(`${url}/assets/plain.css`);
    assert.equal(plain.headers["content-length"], String(Buffer.byteLength(CSS)));
    assert.equal(plain.text, CSS);
  });

  it("a compressed stream is flushed line by line: the first line decodes before the second exists", { timeout: 5000 }, async () => {
    const { request } = await import("node:http");
    const decoded: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(`${url}/api/ticks`, { headers: { "accept-encoding": "gzip" }, agent: false }, (res) => {
        assert.equal(res.headers["content-encoding"], "gzip");
        const gunzip = createGunzip();
        res.pipe(gunzip);
        gunzip.on("data", (chunk: Buffer) => {
          decoded.push(chunk.toString());
          if (decoded.join("") === '{"tick":1}\n') release();
        });
        gunzip.on("end", resolve);
        gunzip.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(decoded.join(""), '{"tick":1}\n{"tick":2}\n');
  });
});

async function rawBytes(url: string, headers: Record<string, string>) {
  const { request } = await import("node:http");
  return new Promise<{ headers: import("node:http").IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}
