/**
 * installSignalHandlers in-process: the signal is delivered with process.emit and `exit` is
 * injected, so the test observes the exit code instead of dying. The end-to-end test
 * (sigterm.test.ts) sends real signals to a real process.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { DUPLICATE_SIGNAL_WINDOW_MS } from "../../src/app/signals.js";
import { injectable, installSignalHandlers, LaurenFactory, module, preDestruct } from "../../src/index.js";
import { deferred, recordingLogger, settle } from "./helpers.js";

function gridApp(teardown: Promise<void> = Promise.resolve()) {
  const events: string[] = [];

  @injectable()
  class Grid {
    @preDestruct
    async down() {
      await teardown;
      events.push("preDestruct");
    }
  }

  @module({ providers: [Grid] })
  class GridModule {}

  const log = recordingLogger();
  const app = LaurenFactory.create(GridModule, { logger: log.logger });
  return { app, events, log };
}

describe("installSignalHandlers", { timeout: 10_000 }, () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`${signal} shuts the app down gracefully, then exits 0`, async () => {
      const { app, events, log } = gridApp();
      await app.startup();
      const codes: number[] = [];
      const exited = deferred();
      const uninstall = installSignalHandlers(app, {
        exit: (code) => {
          codes.push(code);
          exited.resolve();
        },
      });
      try {
        process.emit(signal);
        await exited.promise;
        assert.deepEqual(codes, [0]);
        assert.deepEqual(events, ["preDestruct"], "pre-destruct hooks ran before the exit");
        assert.ok(log.lines.some((l) => l.message === `${signal} received: shutting down gracefully`));
      } finally {
        uninstall();
      }
    });
  }

  test("a second signal while draining forces exit 1 without waiting", async () => {
    const teardown = deferred();
    const { app, events } = gridApp(teardown.promise);
    await app.startup();
    const codes: number[] = [];
    const uninstall = installSignalHandlers(app, { exit: (code) => codes.push(code) });
    try {
      process.emit("SIGTERM");
      await settle();
      assert.deepEqual(codes, [], "the first signal waits for the shutdown");
      process.emit("SIGINT");
      assert.deepEqual(codes, [1], "the second one exits at once");
      assert.deepEqual(events, [], "while a pre-destruct hook was still running");
    } finally {
      uninstall();
      teardown.resolve();
      await app.shutdown();
    }
  });

  test("the same signal delivered twice at once (Ctrl-C under npm start) still drains gracefully", async () => {
    const teardown = deferred();
    const { app, events } = gridApp(teardown.promise);
    await app.startup();
    const codes: number[] = [];
    const exited = deferred();
    const uninstall = installSignalHandlers(app, {
      exit: (code) => {
        codes.push(code);
        exited.resolve();
      },
    });
    try {
      process.emit("SIGINT"); // from the terminal
      process.emit("SIGINT"); // and forwarded by npm
      await settle();
      assert.deepEqual(codes, [], "the duplicate did not force an exit");
      teardown.resolve();
      await exited.promise;
      assert.deepEqual(codes, [0]);
      assert.deepEqual(events, ["preDestruct"]);
    } finally {
      uninstall();
    }
  });

  test("the same signal again after a pause forces exit 1", async () => {
    const teardown = deferred();
    const { app } = gridApp(teardown.promise);
    await app.startup();
    const codes: number[] = [];
    const uninstall = installSignalHandlers(app, { exit: (code) => codes.push(code) });
    try {
      process.emit("SIGTERM");
      await sleep(DUPLICATE_SIGNAL_WINDOW_MS + 50);
      assert.deepEqual(codes, []);
      process.emit("SIGTERM");
      assert.deepEqual(codes, [1]);
    } finally {
      uninstall();
      teardown.resolve();
      await app.shutdown();
    }
  });

  test("the function it returns removes the handlers", () => {
    const { app } = gridApp();
    const before = process.listenerCount("SIGTERM");
    const uninstall = installSignalHandlers(app, { exit: () => {} });
    assert.equal(process.listenerCount("SIGTERM"), before + 1);
    assert.equal(process.listenerCount("SIGINT") > 0, true);
    uninstall();
    assert.equal(process.listenerCount("SIGTERM"), before);
  });
});
