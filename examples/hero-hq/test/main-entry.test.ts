import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../src/main.js", import.meta.url));

/** Starts Hero HQ's entry point on a free port and resolves with its URL once it listens. */
function start(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    // Generous: the suite runs files side by side on a shared machine. On time-out the child
    // is killed, or its open pipes would keep this file running forever.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`Hero HQ did not start within 60 s:\n${out}`));
    }, 60_000);
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

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  return exited;
}

test("the entry point serves an empty roster unless HERO_HQ_SEED=1 puts Volt on it", async () => {
  const plain = await start({});
  try {
    assert.deepEqual(await (await fetch(`${plain.url}/heroes/`)).json(), []);
  } finally {
    assert.equal(await stop(plain.child), 0);
  }
  const seeded = await start({ HERO_HQ_SEED: "1" });
  try {
    assert.deepEqual(await (await fetch(`${seeded.url}/heroes/1`)).json(), { id: 1, name: "Volt", power: "lightning", wattage: 9001 });
  } finally {
    assert.equal(await stop(seeded.child), 0);
  }
});
