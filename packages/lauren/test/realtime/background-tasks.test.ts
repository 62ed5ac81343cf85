/**
 * Background tasks: queued by a handler, run after its response is sent, one after another;
 * a failing task is logged and the next still runs; tests and shutdown wait for them.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { describe, test } from "node:test";
import { type Ctx, controller, get, HttpError, LaurenFactory, module, post } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { recordingLogger, waitUntil } from "./helpers.js";

class QuotaError extends HttpError {
  static override status = 429;
  static override code = "quota";
}

const journal: string[] = [];
let gate: Promise<void> = Promise.resolve();

@controller("/jobs")
class JobsController {
  @post("/ordered")
  ordered({ tasks }: Ctx) {
    tasks.add((label: string) => {
      journal.push(label);
    }, "first");
    tasks.add(async (label: string) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      journal.push(label);
    }, "second (async)");
    tasks.add(
      (a: string, b: number) => {
        journal.push(`${a}:${b}`);
      },
      "third",
      3,
    );
    journal.push("handler");
    return { queued: 3 };
  }

  @post("/failing")
  failing({ tasks }: Ctx) {
    tasks.add(function explode() {
      throw new Error("the quinjet is out of fuel");
    });
    tasks.add(() => {
      journal.push("after the failure");
    });
    return { queued: 2 };
  }

  @post("/gated")
  gated({ tasks }: Ctx) {
    tasks.add(async () => {
      await gate;
      journal.push("gated task done");
    });
    return { queued: 1 };
  }

  @post("/refused")
  refused({ tasks }: Ctx) {
    tasks.add(() => {
      journal.push("task of a failed request");
    });
    throw new QuotaError("too many missions");
  }

  @get("/journal")
  read() {
    return journal;
  }
}

@module({ controllers: [JobsController] })
class JobsModule {}

function makeApp(logger = recordingLogger()) {
  return LaurenFactory.create(JobsModule, { logger, shutdownTimeout: 5000 });
}

function post0(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("background tasks", { timeout: 20_000 }, () => {
  test("tasks run after the handler, in the order they were added, with their arguments", async () => {
    journal.length = 0;
    const res = await new TestClient(makeApp()).post("/jobs/ordered");
    assert.equal(res.status, 200);
    // TestClient returned only after the tasks finished, so their effects are visible.
    assert.deepEqual(journal, ["handler", "first", "second (async)", "third:3"]);
  });

  test("a failing task is logged by name and the next task still runs", async () => {
    journal.length = 0;
    const logger = recordingLogger();
    const res = await new TestClient(makeApp(logger)).post("/jobs/failing");
    assert.equal(res.status, 200);
    assert.deepEqual(journal, ["after the failure"]);
    const entry = logger.entries.find((e) => e.level === "error");
    assert.ok(entry !== undefined, "the failure is logged");
    assert.match(entry.message, /background task explode failed/);
    assert.equal((entry.fields?.error as Error | undefined)?.message, "the quinjet is out of fuel");
  });

  test("a request that fails does not run the tasks it queued", async () => {
    journal.length = 0;
    const res = await new TestClient(makeApp()).post("/jobs/refused");
    assert.equal(res.status, 429);
    assert.deepEqual(journal, []);
  });

  test("over HTTP the response arrives while its task is still running", async () => {
    journal.length = 0;
    let open!: () => void;
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const app = makeApp();
    const { port } = await app.listen({ port: 0 });
    try {
      const res = await post0(port, "/jobs/gated");
      assert.equal(res.status, 200);
      assert.deepEqual(journal, [], "the client has its answer before the task finished");
      assert.equal(app.parts.dispatcher.pendingTasks.size, 1);
      open();
      await waitUntil(() => journal.length === 1, "the task finishes");
    } finally {
      open();
      await app.shutdown();
    }
  });

  test("shutdown waits for running tasks before it completes", async () => {
    journal.length = 0;
    let open!: () => void;
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const app = makeApp();
    const { port } = await app.listen({ port: 0 });
    await post0(port, "/jobs/gated");
    let stopped = false;
    const stopping = app.shutdown().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(stopped, false, "shutdown is still waiting for the task");
    open();
    await stopping;
    assert.deepEqual(journal, ["gated task done"]);
  });
});
