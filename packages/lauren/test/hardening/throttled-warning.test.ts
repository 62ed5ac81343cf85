import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ThrottledWarning } from "../../src/logging/index.js";

function recorder() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => {
    lines.push({ level, message });
  };
  return { lines, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

describe("a warning that comes in bursts", () => {
  it("1,000 occurrences are one warning, 999 debug lines and one count when the interval ends", async () => {
    const { lines, logger } = recorder();
    const warning = new ThrottledWarning(logger, "client aborts", 30);
    for (let i = 0; i < 1000; i++) warning.note(`abort ${i}`);
    assert.deepEqual(lines[0], { level: "warn", message: "abort 0" });
    assert.equal(lines.filter((l) => l.level === "warn").length, 1);
    assert.equal(lines.filter((l) => l.level === "debug").length, 999);
    await sleep(80);
    assert.deepEqual(lines.at(-1), {
      level: "warn",
      message: "999 more client aborts within 0 s of the one above (each logged at debug level)",
    });
    // The next burst starts with a warning again.
    warning.note("abort 1000");
    assert.deepEqual(lines.at(-1), { level: "warn", message: "abort 1000" });
    warning.flush();
    assert.equal(lines.length, 1002, "a burst of one has no count line");
  });

  it("a logger without debug drops the held-back lines but still counts them", () => {
    const warnings: string[] = [];
    const warning = new ThrottledWarning({ info() {}, warn: (m) => warnings.push(m), error() {} }, "client aborts");
    for (let i = 0; i < 5; i++) warning.note("gone");
    warning.flush();
    assert.deepEqual(warnings, ["gone", "4 more client aborts within 60 s of the one above (each logged at debug level)"]);
  });
});
