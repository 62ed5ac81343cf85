import assert from "node:assert/strict";
import { test } from "node:test";
import { type Ctx, controller, get, LaurenFactory, module, post } from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

let release: () => void = () => {};
const gate = new Promise<void>((resolve) => {
  release = resolve;
});
const log: string[] = [];

@controller("/gate")
class GateController {
  @get("/wait")
  async wait() {
    await gate;
    return { waited: true };
  }

  @post("/open")
  open({ tasks }: Ctx) {
    release();
    tasks.add(() => {
      log.push("task ran");
    });
    return { opened: true };
  }
}

@module({ controllers: [GateController] })
class GateModule {}

test("a TestClient request returns without waiting for other requests still in flight", async () => {
  const client = new TestClient(LaurenFactory.create(GateModule, { logger: false }));
  const waiting = client.get("/gate/wait");
  // This request opens the gate the first one waits on; were the client to wait for every
  // request in flight, it would never return.
  const opened = await client.post("/gate/open");
  assert.deepEqual(opened.json(), { opened: true });
  assert.deepEqual(log, ["task ran"], "its own background task has run by the time it returns");
  assert.deepEqual((await waiting).json(), { waited: true });
});
