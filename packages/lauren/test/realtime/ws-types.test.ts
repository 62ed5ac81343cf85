/**
 * A gateway handler's `data` is typed by its message schema: a handler that claims another
 * type does not compile (the @ts-expect-error lines fail the build if it ever does). At run
 * time the handler receives the schema's output, transforms included.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { LaurenFactory, module, onConnect, onDisconnect, onMessage, type WsCloseInfo, type WsCtx, wsController } from "../../src/index.js";
import { WsTestClient } from "../../src/testing/index.js";

const Coords = z.object({ x: z.coerce.number(), label: z.string().transform((s) => s.toUpperCase()) });

@wsController("/typed")
class TypedGateway {
  @onMessage("coords", { data: Coords })
  coords({ ws, data }: WsCtx<{ x: number; label: string }>) {
    ws.sendJson({ doubled: data.x * 2, label: data.label });
  }

  // @ts-expect-error: the schema produces { x: number; label: string }, not { x: string }
  @onMessage("wrong", { data: Coords })
  wrong(_ctx: WsCtx<{ x: string }>) {}

  // Without a schema the payload is unknown: claiming a shape is not allowed either.
  // @ts-expect-error: data is unknown here
  @onMessage("loose")
  loose(_ctx: WsCtx<{ anything: true }>) {}

  // @ts-expect-error: @onConnect has no payload
  @onConnect
  connect(_ctx: WsCtx<string>) {}

  @onDisconnect
  bye({ data }: WsCtx<WsCloseInfo>) {
    return data.code;
  }
}

@module({ controllers: [TypedGateway] })
class TypedModule {}

test("a message handler receives its schema's output, transforms included", async () => {
  const app = LaurenFactory.create(TypedModule, { logger: false });
  const client = new WsTestClient(app);
  try {
    const ws = await client.connect("/typed");
    ws.sendJson({ event: "coords", data: { x: "21", label: "hq" } });
    assert.deepEqual(await ws.receiveJson(), { doubled: 42, label: "HQ" });
  } finally {
    await client.close();
    await app.shutdown();
  }
});
