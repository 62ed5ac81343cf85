/**
 * Tutorial step 10 (portraits): uploads, cached downloads with ranges, the NDJSON export, the
 * landing page and the HTML login form, through the TestClient and over a real socket.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };
const VOLT = { name: "Volt", power: "lightning", wattage: 9001 };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000, 7)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 9)]);
const BOUNDARY = "hero-hq-portrait-boundary";

function form(parts: { name: string; value: Buffer | string; filename?: string; type?: string }[]) {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += `\r\n${p.type === undefined ? "" : `Content-Type: ${p.type}\r\n`}\r\n`;
    chunks.push(Buffer.from(head), Buffer.from(p.value), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` } };
}

const portrait = (bytes: Buffer, type = "image/png") => form([{ name: "portrait", value: bytes, filename: "me.png", type }]);

async function withVolt(): Promise<TestClient> {
  const client = new TestClient(buildApp({ logger: false }));
  assert.equal((await client.post("/heroes/", { json: VOLT, headers: BADGE })).status, 201);
  return client;
}

describe("PUT /heroes/{id}/portrait", () => {
  test("a PNG is stored: 200 with its id, size and real type", async () => {
    const client = await withVolt();
    const res = await client.put("/heroes/1/portrait", portrait(PNG));
    assert.equal(res.status, 200);
    assert.equal(res.text, `{"id":1,"bytes":${PNG.length},"type":"image/png"}`);
  });

  test("a JPEG is recognised by its bytes, whatever the client claims", async () => {
    const client = await withVolt();
    const res = await client.put("/heroes/1/portrait", portrait(JPEG, "image/png"));
    assert.deepEqual(res.json(), { id: 1, bytes: JPEG.length, type: "image/jpeg" });
  });

  test("an unknown hero is a 404", async () => {
    const client = await withVolt();
    const res = await client.put("/heroes/999/portrait", portrait(PNG));
    assert.equal(res.status, 404);
    assert.equal(res.text, '{"error":{"code":"hero_not_found","message":"no such hero","detail":{"id":999}}}');
  });

  test("more than 1 MiB is a 413; exactly 1 MiB is fine", async () => {
    const client = await withVolt();
    const big = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(1024 * 1024 - 7)]);
    const res = await client.put("/heroes/1/portrait", portrait(big));
    assert.equal(res.status, 413);
    assert.equal(res.json().error.code, "request_body_too_large");
    assert.equal(res.json().error.detail.field, "portrait");
    const edge = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(1024 * 1024 - 8)]);
    assert.equal((await client.put("/heroes/1/portrait", portrait(edge))).status, 200);
  });

  test("anything but PNG or JPEG is a 415", async () => {
    const client = await withVolt();
    const res = await client.put("/heroes/1/portrait", portrait(Buffer.from("GIF89a not today"), "image/gif"));
    assert.equal(res.status, 415);
    assert.equal(res.json().error.code, "unsupported_media_type");
  });

  test("no portrait part is a 422 naming it", async () => {
    const client = await withVolt();
    const res = await client.put("/heroes/1/portrait", form([{ name: "caption", value: "no picture" }]));
    assert.equal(res.status, 422);
    assert.equal(res.json().error.message, "missing form field 'portrait'");
    assert.equal(res.json().error.detail.field, "portrait");
  });
});

describe("GET /heroes/{id}/portrait", () => {
  test("the same bytes, type, ETag and Cache-Control; If-None-Match is a 304; a range is a 206", async () => {
    const client = await withVolt();
    await client.put("/heroes/1/portrait", portrait(PNG));
    const res = await client.get("/heroes/1/portrait");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, PNG);
    assert.equal(res.header("content-type"), "image/png");
    assert.equal(res.header("cache-control"), "public, max-age=0, must-revalidate");
    const etag = res.header("etag") as string;
    assert.match(etag, /^"[A-Za-z0-9_-]{27}"$/);
    const again = await client.get("/heroes/1/portrait", { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const range = await client.get("/heroes/1/portrait", { headers: { range: "bytes=0-9" } });
    assert.equal(range.status, 206);
    assert.deepEqual(range.body, PNG.subarray(0, 10));
    assert.equal(range.header("content-range"), `bytes 0-9/${PNG.length}`);
  });

  test("no portrait yet is a 404", async () => {
    const client = await withVolt();
    const res = await client.get("/heroes/1/portrait");
    assert.equal(res.status, 404);
    assert.equal(res.json().error.code, "hero_not_found");
  });
});

describe("GET /heroes/export and the landing page", () => {
  test("the roster as NDJSON, one hero per line", async () => {
    const client = await withVolt();
    await client.post("/heroes/", { json: { name: "Aegis", power: "shields", wattage: 120 }, headers: BADGE });
    const res = await client.get("/heroes/export");
    assert.equal(res.header("content-type"), "application/x-ndjson");
    assert.equal(
      res.text,
      '{"id":1,"name":"Volt","power":"lightning","wattage":9001}\n{"id":2,"name":"Aegis","power":"shields","wattage":120}\n',
    );
  });

  test("GET / is the landing page with a login form", async () => {
    const client = new TestClient(buildApp({ logger: false }));
    const res = await client.get("/");
    assert.equal(res.status, 200);
    assert.equal(res.header("content-type"), "text/html; charset=utf-8");
    assert.match(res.text, /<form method="post" action="\/me\/login">/);
    assert.match(res.text, /name="hero_id"/);
    assert.ok(res.header("etag"));
  });

  test("the login form and JSON get the same answers", async () => {
    const client = await withVolt();
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const viaForm = await client.post("/me/login", { headers: form, body: "hero_id=1" });
    const viaJson = await client.post("/me/login", { json: { hero_id: 1 } });
    assert.equal(viaForm.status, 200);
    assert.equal(viaForm.text, '{"welcome":"Volt"}');
    assert.equal(viaJson.text, viaForm.text);
    assert.match(viaForm.header("set-cookie") ?? "", /^lauren_session=/);
    const unknown = await client.post("/me/login", { headers: form, body: "hero_id=999" });
    assert.equal(unknown.text, '{"error":{"code":"unauthorized","message":"no such hero to log in as","detail":{"hero_id":999}}}');
    assert.equal((await client.post("/me/login", { headers: form, body: "hero_id=abc" })).status, 422);
  });

  test("unknown paths are still the same 404", async () => {
    const res = await new TestClient(buildApp({ logger: false })).get("/nope");
    assert.equal(res.text, '{"error":{"code":"route_not_found","message":"No route matches GET /nope","detail":{}}}');
  });
});

describe("portraits over a real socket", () => {
  const app = buildApp({ logger: false });
  let base = "";
  before(async () => {
    base = (await app.listen({ port: 0 })).url;
  });
  after(() => app.shutdown());

  function call(method: string, path: string, headers: Record<string, string | number>, body?: Buffer) {
    return new Promise<{ status: number; headers: import("node:http").IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const req = request(`${base}${path}`, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  test("upload, download, 304, 206 and export behave as through the TestClient", async () => {
    const recruit = Buffer.from(JSON.stringify(VOLT));
    assert.equal((await call("POST", "/heroes/", { ...BADGE, "content-type": "application/json" }, recruit)).status, 201);
    const up = portrait(PNG);
    const put = await call("PUT", "/heroes/1/portrait", { ...up.headers, "content-length": up.body.length }, up.body);
    assert.equal(put.body.toString(), `{"id":1,"bytes":${PNG.length},"type":"image/png"}`);
    const got = await call("GET", "/heroes/1/portrait", {});
    assert.deepEqual(got.body, PNG);
    assert.equal((await call("GET", "/heroes/1/portrait", { "if-none-match": got.headers.etag as string })).status, 304);
    const part = await call("GET", "/heroes/1/portrait", { range: "bytes=0-9" });
    assert.equal(part.status, 206);
    assert.equal(part.body.length, 10);
    const big = portrait(Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(2 * 1024 * 1024)]));
    const tooBig = await call("PUT", "/heroes/1/portrait", { ...big.headers, "content-length": big.body.length }, big.body);
    assert.equal(tooBig.status, 413);
    const exported = await call("GET", "/heroes/export", {});
    assert.equal(exported.headers["transfer-encoding"], "chunked");
    assert.equal(exported.body.toString(), '{"id":1,"name":"Volt","power":"lightning","wattage":9001}\n');
  });
});

/** One request written byte for byte on a socket, as curl would, read until the server closes. */
function raw(base: string, head: string, body: Buffer = Buffer.alloc(0)) {
  const { port } = new URL(base);
  return new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write(`${head}Host: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`);
      // No half-close (as curl): the server ends the connection after its answer.
      socket.write(body);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${head.split("\r\n")[0]}`)));
    socket.on("end", () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      const [statusLine = "", ...lines] = all.subarray(0, split).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let rest = all.subarray(split + 4);
      if (headers["transfer-encoding"] === "chunked") {
        const parts: Buffer[] = [];
        for (;;) {
          const eol = rest.indexOf("\r\n");
          const size = Number.parseInt(rest.subarray(0, eol).toString(), 16);
          if (size === 0) break;
          parts.push(rest.subarray(eol + 2, eol + 2 + size));
          rest = rest.subarray(eol + 4 + size);
        }
        rest = Buffer.concat(parts);
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest });
    });
  });
}

/**
 * What is left in `dir` once the server had its chance to clean up: a request's upload files
 * are removed when the request is over, which is just after its response went out.
 */
async function leftIn(dir: string): Promise<string[]> {
  for (let tries = 0; tries < 250 && readdirSync(dir).length > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
  return readdirSync(dir);
}

describe("Hero HQ's new routes over raw sockets", () => {
  const tempDir = mkdtempSync(join(tmpdir(), "hero-hq-uploads-"));
  const app = buildApp({ logger: false, uploads: { tempDir } });
  let base = "";
  before(async () => {
    base = (await app.listen({ port: 0 })).url;
    const recruit = Buffer.from(JSON.stringify(VOLT));
    const res = await raw(base, "POST /heroes/ HTTP/1.1\r\nContent-Type: application/json\r\nX-HQ-Badge: hq-badge-007\r\n", recruit);
    assert.equal(res.status, 201);
  });
  after(async () => {
    await app.shutdown();
    rmSync(tempDir, { recursive: true, force: true });
  });

  const put = (path: string, upload: { body: Buffer; headers: Record<string, string> }) =>
    raw(base, `PUT ${path} HTTP/1.1\r\nContent-Type: ${upload.headers["content-type"]}\r\n`, upload.body);

  test("PUT portrait: 200 with id, bytes and type; 404, 413 (one byte over 1 MiB), 415 and 422 as listed", async () => {
    const ok = await put("/heroes/1/portrait", portrait(PNG));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.toString(), `{"id":1,"bytes":${PNG.length},"type":"image/png"}`);
    const unknown = await put("/heroes/999/portrait", portrait(PNG));
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.toString(), '{"error":{"code":"hero_not_found","message":"no such hero","detail":{"id":999}}}');
    const big = await put("/heroes/1/portrait", portrait(Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(1024 * 1024 - 7)])));
    assert.equal(big.status, 413);
    assert.equal(JSON.parse(big.body.toString()).error.code, "request_body_too_large");
    const gif = await put("/heroes/1/portrait", portrait(Buffer.from("GIF89a"), "image/gif"));
    assert.equal(gif.status, 415);
    assert.equal(JSON.parse(gif.body.toString()).error.code, "unsupported_media_type");
    const none = await put("/heroes/1/portrait", form([{ name: "caption", value: "no picture" }]));
    assert.equal(none.status, 422);
    assert.equal(JSON.parse(none.body.toString()).error.message, "missing form field 'portrait'");
    assert.deepEqual(await leftIn(tempDir), [], "no upload left anything on disk");
  });

  test("GET portrait: the bytes, its type, ETag and Cache-Control; 304; 206 with 10 bytes; 404 without one", async () => {
    await put("/heroes/1/portrait", portrait(JPEG, "image/jpeg"));
    const got = await raw(base, "GET /heroes/1/portrait HTTP/1.1\r\n");
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, JPEG);
    assert.equal(got.headers["content-type"], "image/jpeg");
    assert.equal(got.headers["cache-control"], "public, max-age=0, must-revalidate");
    const etag = got.headers.etag as string;
    const again = await raw(base, `GET /heroes/1/portrait HTTP/1.1\r\nIf-None-Match: ${etag}\r\n`);
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const part = await raw(base, "GET /heroes/1/portrait HTTP/1.1\r\nRange: bytes=0-9\r\n");
    assert.equal(part.status, 206);
    assert.deepEqual(part.body, JPEG.subarray(0, 10));
    assert.equal(part.headers["content-range"], `bytes 0-9/${JPEG.length}`);
    const recruit = Buffer.from(JSON.stringify({ name: "Aegis", power: "shields", wattage: 120 }));
    await raw(base, "POST /heroes/ HTTP/1.1\r\nContent-Type: application/json\r\nX-HQ-Badge: hq-badge-007\r\n", recruit);
    const missing = await raw(base, "GET /heroes/2/portrait HTTP/1.1\r\n");
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body.toString()).error.code, "hero_not_found");
  });

  test("GET /heroes/export streams NDJSON, one hero per line", async () => {
    const res = await raw(base, "GET /heroes/export HTTP/1.1\r\n");
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/x-ndjson");
    assert.equal(res.headers["transfer-encoding"], "chunked");
    const lines = res.body.toString().split("\n");
    assert.equal(lines.pop(), "");
    assert.deepEqual(JSON.parse(lines[0] as string), { id: 1, name: "Volt", power: "lightning", wattage: 9001 });
    assert.ok(lines.every((line) => typeof JSON.parse(line).id === "number"));
  });

  test("GET / is the landing page; its form's urlencoded login and JSON login answer the same", async () => {
    const page = await raw(base, "GET / HTTP/1.1\r\n");
    assert.equal(page.status, 200);
    assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
    assert.match(page.body.toString(), /<form method="post" action="\/me\/login">[\s\S]*name="hero_id"/);
    assert.ok(page.headers.etag);
    const css = await raw(base, "GET /hq.css HTTP/1.1\r\n");
    assert.equal(css.headers["content-type"], "text/css; charset=utf-8");
    const urlencoded = "POST /me/login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n";
    const viaForm = await raw(base, urlencoded, Buffer.from("hero_id=1"));
    const viaJson = await raw(base, "POST /me/login HTTP/1.1\r\nContent-Type: application/json\r\n", Buffer.from('{"hero_id":1}'));
    assert.equal(viaForm.status, 200);
    assert.equal(viaForm.body.toString(), '{"welcome":"Volt"}');
    assert.equal(viaJson.body.toString(), viaForm.body.toString());
    assert.match(viaForm.headers["set-cookie"] ?? "", /^lauren_session=/);
    const stranger = await raw(base, urlencoded, Buffer.from("hero_id=999"));
    const strangerJson = await raw(base, "POST /me/login HTTP/1.1\r\nContent-Type: application/json\r\n", Buffer.from('{"hero_id":999}'));
    assert.equal(stranger.status, 401);
    assert.equal(stranger.body.toString(), strangerJson.body.toString());
    assert.equal((await raw(base, urlencoded, Buffer.from("hero_id=abc"))).status, 422);
  });

  test("a client that hangs up mid-upload leaves nothing on disk, and HQ keeps serving", async () => {
    const upload = portrait(Buffer.concat([PNG, Buffer.alloc(600 * 1024, 3)]));
    const { port } = new URL(base);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.write(
          `PUT /heroes/1/portrait HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${upload.headers["content-type"]}\r\n` +
            `Content-Length: ${upload.body.length}\r\n\r\n`,
        );
        socket.write(upload.body.subarray(0, 300 * 1024), () => {
          socket.destroy();
          resolve();
        });
      });
      socket.on("error", reject);
    });
    const ok = await put("/heroes/1/portrait", portrait(PNG));
    assert.equal(ok.status, 200);
    assert.deepEqual(await leftIn(tempDir), []);
  });
});
