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

test("HERO_HQ_SESSION_STORE=encrypted makes the entry point seal its session cookies", async () => {
  const { child, url } = await start({ HERO_HQ_SESSION_STORE: "encrypted", HERO_HQ_SEED: "1", SESSION_SECRET: SECRET });
  try {
    const login = await fetch(`${url}/me/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"hero_id":1}',
    });
    assert.equal(await login.text(), '{"welcome":"Volt"}');
    const cookie = LOGIN_COOKIE.exec(login.headers.get("set-cookie") ?? "")?.[1];
    assert.ok(cookie !== undefined, login.headers.get("set-cookie") ?? "no cookie");
    assert.equal(revealsVolt(cookie), false);
    const me = await fetch(`${url}/me/`, { headers: { cookie: `${COOKIE}=${cookie}` } });
    assert.equal(await me.text(), VOLT_IDENTIFIED);
    const forged = await fetch(`${url}/me/`, { headers: { cookie: `${COOKIE}=${flipped(cookie, 15)}` } });
    assert.equal(await forged.text(), ANONYMOUS);
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
});
