import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// Hero HQ's TypeScript sources, compiled on the fly by esbuild (through tsx) instead of tsc:
// the decorators and their metadata must work the same under either compiler.
const SOURCE_MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

test("Hero HQ's sources run under esbuild (tsx) as they do under tsc", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", SOURCE_MAIN], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no start-up within 30 s:\n${out}`)), 30_000);
      const onData = (chunk: Buffer): void => {
        out += chunk.toString();
        const found = /listening on (http:\/\/\S+)/.exec(out)?.[1];
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
    const recruit = await fetch(`${url}/heroes/`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hq-badge": "hq-badge-007" },
      body: JSON.stringify({ name: "Volt", power: "lightning", wattage: 9001 }),
    });
    assert.equal(recruit.status, 201);
    const denied = await fetch(`${url}/heroes/`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(denied.status, 403, "the guard declared with @useGuards runs");
    const login = await fetch(`${url}/me/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"hero_id":1}',
    });
    const cookie = login.headers.get("set-cookie")?.split(";")[0] ?? "";
    assert.deepEqual(await (await fetch(`${url}/me/`, { headers: { cookie } })).json(), { identified: true, hero_id: 1, name: "Volt" });
    assert.deepEqual(await (await fetch(`${url}/status/`)).json(), { hq: "online", grid: true }, "@postConstruct ran");
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
});
