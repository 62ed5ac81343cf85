import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ConfigValidationError } from "lauren";
import { DEV_SECRET, readConfig } from "../src/config.js";

const MAIN = fileURLToPath(new URL("../src/main.js", import.meta.url));
const SECRET = "a-production-secret-of-at-least-32-bytes!";

describe("Hero HQ's configuration", () => {
  it("has development defaults when nothing is set", () => {
    assert.deepEqual(readConfig({}), {
      PORT: 8000,
      HOST: "127.0.0.1",
      NODE_ENV: "development",
      SESSION_SECRET: DEV_SECRET,
      HERO_HQ_SESSION_STORE: "memory",
      HERO_HQ_SEED: false,
      HERO_HQ_WORKERS: 1,
      HERO_HQ_CORS_ORIGINS: [],
      HERO_HQ_SECURITY_HEADERS: "api",
      LAUREN_LOG_LEVEL: "info",
      LAUREN_LOG_FORMAT: "console",
    });
  });

  it("takes a Redis URL and a number of workers, and refuses anything else", () => {
    const config = readConfig({ REDIS_URL: "rediss://cache.internal:6380/0", HERO_HQ_WORKERS: "4" });
    assert.equal(config.REDIS_URL, "rediss://cache.internal:6380/0");
    assert.equal(config.HERO_HQ_WORKERS, 4);
    assert.throws(() => readConfig({ REDIS_URL: "http://cache:6379" }), /REDIS_URL/);
    assert.throws(() => readConfig({ HERO_HQ_WORKERS: "0" }), /HERO_HQ_WORKERS/);
  });

  it("parses what is set", () => {
    const config = readConfig({ PORT: "0", HOST: "::1", HERO_HQ_SEED: "1", HERO_HQ_SESSION_STORE: "encrypted", SESSION_SECRET: SECRET });
    assert.equal(config.PORT, 0);
    assert.equal(config.HOST, "::1");
    assert.equal(config.HERO_HQ_SEED, true);
    assert.equal(config.HERO_HQ_SESSION_STORE, "encrypted");
    assert.equal(config.SESSION_SECRET, SECRET);
  });

  it("outside development refuses to fall back to the development secret", () => {
    for (const NODE_ENV of ["production", "test", "staging"]) {
      assert.throws(
        () => readConfig({ NODE_ENV }),
        (err: unknown) =>
          err instanceof ConfigValidationError &&
          /SESSION_SECRET is not set: is required when NODE_ENV is not development/.test(err.message),
      );
    }
    assert.equal(readConfig({ NODE_ENV: "production", SESSION_SECRET: SECRET }).SESSION_SECRET, SECRET);
  });

  it("reports every bad variable at once, naming each and echoing none", () => {
    assert.throws(
      () => readConfig({ PORT: "abc", NODE_ENV: "production", HERO_HQ_SESSION_STORE: "redis", SESSION_SECRET: "short" }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigValidationError);
        assert.deepEqual(err.issues.map((i) => i.variable).sort(), ["HERO_HQ_SESSION_STORE", "PORT", "SESSION_SECRET"]);
        assert.match(err.message, /PORT is invalid: must be a port number \(0 to 65535\)/);
        assert.doesNotMatch(err.message, /abc|short|redis"/);
        return true;
      },
    );
    assert.throws(() => readConfig({ PORT: "65536" }), /PORT is invalid/);
  });

  it("`PORT=abc npm start` exits non-zero at once, with one error that names PORT", async () => {
    // Only what node needs to run: the test's own environment must not leak into the app.
    const child = spawn(process.execPath, [MAIN], { env: { PORT: "abc" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      // Generous against a busy machine; a healthy exit takes a fraction of a second.
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.once("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    assert.equal(code, 1, `expected exit code 1 within 10 s (took ${Date.now() - started} ms)`);
    assert.equal(stdout, "", "nothing is served or logged before the configuration is valid");
    assert.match(
      stderr,
      /^ConfigValidationError: Invalid configuration: 1 environment variable needs fixing \(PORT\)\.\n {2}- PORT is invalid: /,
    );
    assert.equal(stderr.match(/Error/g)?.length, 1, `one error, no stack trace:\n${stderr}`);
  });
});
