/**
 * Hero HQ with the encrypted cookie store (HERO_HQ_SESSION_STORE=encrypted): the tutorial's
 * step-6 flow answers as with the other stores, the login cookie reveals nothing of the
 * hero, and a flipped character makes the visitor anonymous.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { EncryptedCookieSessionStore } from "lauren";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";
import { call } from "./wire.js";

const BADGE = { "x-hq-badge": "hq-badge-007" };
const COOKIE = "lauren_session";
const SECRET = "hero-hq-encrypted-test-secret-32-bytes!";
const LOGIN_COOKIE = /^lauren_session=(v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+); Max-Age=1209600; Path=\/; HttpOnly; SameSite=Lax$/;
const LOGOUT_COOKIE = "lauren_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax";
const ANONYMOUS = '{"identified":false}';
const VOLT_IDENTIFIED = '{"identified":true,"hero_id":1,"name":"Volt"}';

function hq(): TestClient {
  return new TestClient(buildApp({ logger: false, sessions: { secret: SECRET, secure: false, store: new EncryptedCookieSessionStore() } }));
}

/** Every decoding someone holding the cookie might try. */
function revealsVolt(cookie: string): boolean {
  const parts = [cookie, ...cookie.split(".")];
  return parts.some((part) =>
    [
      part,
      ...(["base64", "base64url", "hex"] as const).flatMap((enc) =>
        [0, 1, 2, 3].map((skip) => Buffer.from(part.slice(skip), enc).toString("latin1")),
      ),
    ].some((text) => text.includes("Volt") || text.includes("hero_id")),
  );
}

function flipped(cookie: string, at: number): string {
  const c = cookie[at] as string;
  return cookie.slice(0, at) + (c === "A" ? "B" : "A") + cookie.slice(at + 1);
}

describe("Hero HQ on the encrypted cookie store", () => {
  test("anonymous, login, whoami, logout, unknown hero: the tutorial's answers", async () => {
    const client = hq();
    assert.equal(
      (await client.post("/heroes/", { json: { name: "Volt", power: "lightning", wattage: 9001 }, headers: BADGE })).status,
      201,
    );
    const before = await client.get("/me/");
    assert.deepEqual([before.text, before.headers["set-cookie"]], [ANONYMOUS, undefined]);
    const login = await client.post("/me/login", { json: { hero_id: 1 } });
    assert.equal(login.text, '{"welcome":"Volt"}');
    const match = LOGIN_COOKIE.exec(String(login.headers["set-cookie"]));
    assert.ok(match !== null, String(login.headers["set-cookie"]));
    const cookie = match[1] as string;
    assert.equal(revealsVolt(cookie), false, "the cookie reveals nothing");
    const me = await client.get("/me/", { cookies: { [COOKIE]: cookie } });
    assert.deepEqual([me.text, me.headers["set-cookie"]], [VOLT_IDENTIFIED, undefined]);
    for (const at of [3, 12, 20, cookie.length - 1]) {
      const res = await client.get("/me/", { cookies: { [COOKIE]: flipped(cookie, at) } });
      assert.deepEqual([res.status, res.text, res.headers["set-cookie"]], [200, ANONYMOUS, undefined], `flipped at ${at}`);
    }
    const logout = await client.post("/me/logout", { cookies: { [COOKIE]: cookie } });
    assert.deepEqual([logout.text, logout.headers["set-cookie"]], ['{"farewell":true}', LOGOUT_COOKIE]);
    const unknown = await client.post("/me/login", { json: { hero_id: 999 } });
    assert.deepEqual([unknown.status, unknown.headers["set-cookie"]], [401, undefined]);
  });
});

const MAIN = fileURLToPath(new URL("../src/main.js", import.meta.url));

function start(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`Hero HQ did not start:\n${out}`)), 15_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    });
    child.once("exit", (code) => reject(new Error(`Hero HQ exited with ${code}:\n${out}`)));
  });
}

/** The cookie with one byte of its sealed part (IV, ciphertext or tag) XOR-ed: a flipped byte, not a flipped character. */
function flippedByte(cookie: string, at: number): string {
  const cut = cookie.lastIndexOf(".") + 1;
  const sealed = Buffer.from(cookie.slice(cut), "base64url");
  sealed[at] = (sealed[at] as number) ^ 0x01;
  return cookie.slice(0, cut) + sealed.toString("base64url");
}

test("HERO_HQ_SESSION_STORE=encrypted: the entry point seals its cookies, and step 6 answers the same over real HTTP", async () => {
  const { child, url } = await start({ HERO_HQ_SESSION_STORE: "encrypted", HERO_HQ_SEED: "1", SESSION_SECRET: SECRET });
  try {
    const anonymous = await call(`${url}/me/`, "GET");
    assert.deepEqual([anonymous.text, anonymous.headers["set-cookie"]], [ANONYMOUS, undefined]);
    const login = await call(`${url}/me/login`, "POST", { "content-type": "application/json" }, '{"hero_id":1}');
    assert.equal(login.text, '{"welcome":"Volt"}');
    const cookie = LOGIN_COOKIE.exec(login.headers["set-cookie"]?.[0] ?? "")?.[1];
    assert.ok(cookie !== undefined, String(login.headers["set-cookie"]));
    assert.equal(revealsVolt(cookie), false, "no base64 or hex decoding of the cookie shows the hero");
    const me = await call(`${url}/me/`, "GET", { cookie: `${COOKIE}=${cookie}` });
    assert.deepEqual([me.text, me.headers["set-cookie"]], [VOLT_IDENTIFIED, undefined]);
    const sealedLength = Buffer.from(cookie.slice(cookie.lastIndexOf(".") + 1), "base64url").length;
    for (const at of [0, 11, 12, sealedLength - 17, sealedLength - 1]) {
      const forged = await call(`${url}/me/`, "GET", { cookie: `${COOKIE}=${flippedByte(cookie, at)}` });
      assert.deepEqual([forged.status, forged.text, forged.headers["set-cookie"]], [200, ANONYMOUS, undefined], `byte ${at} flipped`);
    }
    const forgedChar = await call(`${url}/me/`, "GET", { cookie: `${COOKIE}=${flipped(cookie, 15)}` });
    assert.equal(forgedChar.text, ANONYMOUS);
    const logout = await call(`${url}/me/logout`, "POST", { cookie: `${COOKIE}=${cookie}` });
    assert.deepEqual([logout.text, logout.headers["set-cookie"]], ['{"farewell":true}', [LOGOUT_COOKIE]]);
    const unknown = await call(`${url}/me/login`, "POST", { "content-type": "application/json" }, '{"hero_id":999}');
    assert.deepEqual([unknown.status, unknown.headers["set-cookie"]], [401, undefined]);
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
});
