import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { TestClient } from "lauren/testing";
import { buildApp } from "../src/main.js";
import { MissionLog } from "../src/mission-control.js";

const MAIN = fileURLToPath(new URL("../src/main.js", import.meta.url));
const BADGE = { "x-hq-badge": "hq-badge-007" };

function hq(): TestClient {
  return new TestClient(buildApp({ logger: false }));
}

/** Runs the entry point with exactly these settings (nothing inherited) until it listens or exits. */
function run(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const base: Record<string, string> = { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1" };
  const child = spawn(process.execPath, [MAIN], { env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no verdict from Hero HQ within 60 s:\n${out}`));
    }, 60_000); // generous: files run side by side on a shared machine
    const collect = (chunk: Buffer): void => {
      out += chunk.toString();
      if (/listening on /.test(out)) child.kill("SIGTERM");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe("Hero HQ's limits", () => {
  it("hero ids are plain digits: 0x1, 1e0, 1.0, +1, %201 and 0b1 are 422, not hero 1", async () => {
    const client = hq();
    assert.equal(
      (await client.post("/heroes/", { json: { name: "Volt", power: "lightning", wattage: 9001 }, headers: BADGE })).status,
      201,
    );
    assert.equal((await client.get("/heroes/1")).status, 200);
    for (const id of ["0x1", "1e0", "1.0", "+1", "%201", "0b1", "1%20", "-1", "0o1", "Infinity"]) {
      const res = await client.get(`/heroes/${id}`);
      assert.equal(res.status, 422, id);
      assert.equal(res.json().error.message, "invalid path parameter 'id': must be an integer", id);
    }
  });

  it("a hero's name and power are at most 100 characters", async () => {
    const client = hq();
    const recruit = (name: string, power = "x") => client.post("/heroes/", { json: { name, power, wattage: 1 }, headers: BADGE });
    assert.equal((await recruit("V".repeat(100))).status, 201);
    const long = await recruit("V".repeat(101));
    assert.equal(long.status, 422);
    assert.deepEqual(long.json().error.detail.errors[0].path, ["name"]);
    assert.equal((await recruit("Volt", "p".repeat(101))).status, 422);
  });

  it("dispatch refuses a hero name over 100 characters, and the log keeps the latest 1,000 of 2,000 missions", async () => {
    const client = hq();
    assert.equal((await client.post(`/missions/dispatch?hero=${"V".repeat(101)}`)).status, 422);
    for (let i = 0; i < 2_000; i++) assert.equal((await client.post(`/missions/dispatch?hero=h${i}`)).status, 202);
    const log = (await client.get("/missions/log")).json().dispatched as string[];
    assert.equal(log.length, MissionLog.capacity);
    assert.equal(log[0], "h1000");
    assert.equal(log.at(-1), "h1999");
  });
});

describe("Hero HQ's session secret", () => {
  it("NODE_ENV=production without SESSION_SECRET refuses to start, naming SESSION_SECRET", async () => {
    const { code, out } = await run({ NODE_ENV: "production" });
    assert.equal(code, 1);
    assert.match(out, /SESSION_SECRET.*is required when NODE_ENV is not development/);
    assert.doesNotMatch(out, /listening on/);
  });

  it("in development it warns that it signs with the public development secret", async () => {
    const { code, out } = await run({});
    assert.equal(code, 0);
    assert.match(out, /SESSION_SECRET is not set; signing sessions with the public development secret/);
    assert.match(out, /listening on/);
  });

  it("with SESSION_SECRET set it starts without the warning, and a weak one is refused", async () => {
    const good = await run({ NODE_ENV: "production", SESSION_SECRET: "Yq3v9Zb1LkP0sX7mW2eR5tU8iO4aS6dF" });
    assert.equal(good.code, 0);
    assert.doesNotMatch(good.out, /development secret/);
    const weak = await run({ NODE_ENV: "production", SESSION_SECRET: " ".repeat(32) });
    assert.equal(weak.code, 1);
    assert.match(weak.out, /distinct byte.*randomBytes\(32\)/);
  });
});
