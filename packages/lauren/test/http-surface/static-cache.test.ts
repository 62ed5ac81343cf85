/**
 * The static mount's memory: small files are served from memory, but every request still
 * checks the file on disk, so an edit, a replacement (a symlink out of the root included) or
 * a deletion shows on the very next request.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { LaurenFactory, module } from "../../src/index.js";
import { StaticFiles, type StaticFilesOptions } from "../../src/static/index.js";
import { TestClient } from "../../src/testing/index.js";

const dir = mkdtempSync(join(tmpdir(), "lauren-static-cache-"));
after(() => rmSync(dir, { recursive: true, force: true }));

@module({})
class EmptyModule {}

function mount(name: string, options: Partial<StaticFilesOptions> = {}) {
  const root = join(dir, name);
  mkdirSync(root);
  const client = new TestClient(LaurenFactory.create(EmptyModule, { logger: false, staticFiles: { directory: root, ...options } }));
  return { root, client };
}

/** Moves the modification time on, as an editor's save would. */
function touchLater(path: string, seconds: number): void {
  const when = new Date(Date.now() + seconds * 1000);
  utimesSync(path, when, when);
}

describe("static files kept in memory", () => {
  it("an edited file is served as it is now, even with the same size", async () => {
    const { root, client } = mount("edit");
    writeFileSync(join(root, "note.txt"), "first");
    assert.equal((await client.get("/note.txt")).text, "first");
    assert.equal((await client.get("/note.txt")).text, "first");
    writeFileSync(join(root, "note.txt"), "again");
    touchLater(join(root, "note.txt"), 5);
    const edited = await client.get("/note.txt");
    assert.equal(edited.text, "again");
    // Replaced by another file under the same name (a new inode), same size and times.
    writeFileSync(join(root, "next.txt"), "third");
    renameSync(join(root, "next.txt"), join(root, "note.txt"));
    assert.equal((await client.get("/note.txt")).text, "third");
  });

  it("a deleted file is a 404, and a file swapped for a symlink out of the root stays refused", async () => {
    const { root, client } = mount("swap");
    const outside = join(dir, "outside-secret.txt");
    writeFileSync(outside, "secret");
    writeFileSync(join(root, "page.txt"), "public");
    assert.equal((await client.get("/page.txt")).text, "public");
    rmSync(join(root, "page.txt"));
    assert.equal((await client.get("/page.txt")).status, 404);
    symlinkSync(outside, join(root, "page.txt"));
    const swapped = await client.get("/page.txt");
    assert.equal(swapped.status, 404);
    assert.doesNotMatch(swapped.text, /secret/);
  });

  it("ranges, HEAD, validators and precompressed siblings answer the same from memory", async () => {
    const { root, client } = mount("ranges");
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 251));
    writeFileSync(join(root, "data.bin"), bytes);
    writeFileSync(join(root, "app.js"), "console.log(1)");
    writeFileSync(join(root, "app.js.gz"), "pretend-gzip");
    for (let round = 0; round < 2; round++) {
      const full = await client.get("/data.bin");
      assert.deepEqual(full.body, bytes);
      assert.equal(full.header("content-length"), "300");
      const part = await client.get("/data.bin", { headers: { range: "bytes=10-19" } });
      assert.equal(part.status, 206);
      assert.deepEqual(part.body, bytes.subarray(10, 20));
      const head = await client.head("/data.bin");
      assert.equal(head.header("content-length"), "300");
      assert.equal(head.body.length, 0);
      const again = await client.get("/data.bin", { headers: { "if-none-match": full.header("etag") as string } });
      assert.equal(again.status, 304);
      const gz = await client.get("/app.js", { headers: { "accept-encoding": "gzip" } });
      assert.equal(gz.header("content-encoding"), "gzip");
      assert.equal(gz.text, "pretend-gzip");
    }
  });

  it("keeps small files only, within its byte budget, and memoryCache: false keeps none", async () => {
    const root = join(dir, "budget");
    mkdirSync(root);
    for (const name of ["a", "b", "c"]) writeFileSync(join(root, `${name}.txt`), name.repeat(40));
    writeFileSync(join(root, "big.txt"), "x".repeat(500));
    const files = new StaticFiles({ directory: root, memoryCache: { maxFileBytes: 100, maxTotalBytes: 100 } });
    for (const name of ["a", "b", "c", "big"]) {
      const found = await files.resolve(`/${name}.txt`);
      assert.ok(found !== null);
      assert.equal(found.bytes === null, name === "big", name);
      assert.ok(files.memoryBytes <= 100, `${files.memoryBytes} bytes held`);
    }
    assert.equal(files.memoryBytes, 80, "the two newest small files");
    const none = new StaticFiles({ directory: root, memoryCache: false });
    assert.equal((await none.resolve("/a.txt"))?.bytes, null);
    assert.equal(none.memoryBytes, 0);
    const { client } = mount("large", { memoryCache: { maxFileBytes: 10 } });
    writeFileSync(join(dir, "large", "long.txt"), "y".repeat(5000));
    assert.equal((await client.get("/long.txt")).text, "y".repeat(5000));
  });

  it("refuses a budget that is not a whole number of bytes at start-up", () => {
    const root = join(dir, "bad");
    mkdirSync(root);
    assert.throws(
      () => LaurenFactory.create(EmptyModule, { logger: false, staticFiles: { directory: root, memoryCache: { maxFileBytes: -1 } } }),
      (err: Error) => err.name === "ConfigurationError" && /memoryCache\.maxFileBytes must be a whole number/.test(err.message),
    );
  });
});
