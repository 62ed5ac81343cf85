import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import {
  type Ctx,
  controller,
  type ExecutionContext,
  type Guard,
  get,
  HttpError,
  LaurenFactory,
  module,
  post,
  setMetadata,
  useGuards,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

class DenyGuard implements Guard {
  canActivate(): boolean {
    return false;
  }
}

class VillainDetectedError extends HttpError {
  static override status = 403;
  static override code = "villain_detected";
}

class BadgeGuard implements Guard {
  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.request.header("x-hq-badge") !== "hq-badge-007") {
      throw new VillainDetectedError("halt! that is not a valid HQ badge", { hint: "send a valid X-HQ-Badge header" });
    }
    return true;
  }
}

class SlowGuard implements Guard {
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    return ctx.request.header("x-slow") === "yes";
  }
}

/** Each step guard appends its label to ctx.state.steps, so the handler can report the order. */
abstract class StepGuard implements Guard {
  abstract readonly label: string;
  canActivate(ctx: ExecutionContext): boolean {
    const steps = (ctx.state.steps as string[] | undefined) ?? [];
    steps.push(this.label);
    ctx.state.steps = steps;
    return true;
  }
}
class GlobalStep extends StepGuard {
  readonly label = "global";
}
class ClassStep extends StepGuard {
  readonly label = "class";
}
class MethodStep extends StepGuard {
  readonly label = "method";
}

/** Copies what a guard sees of the route into ctx.state, for the handler to return. */
class Inspector implements Guard {
  canActivate(ctx: ExecutionContext): boolean {
    ctx.state.seen = {
      path: ctx.request.path,
      controllerName: ctx.controllerName,
      handlerName: ctx.handlerName,
      route: ctx.route,
      method: ctx.method,
      roles: ctx.getMetadata("roles"),
      level: ctx.getMetadata("level"),
      missing: ctx.getMetadata("missing") ?? null,
    };
    return true;
  }
}

const Body = z.object({ name: z.string() });

@controller("/g")
@useGuards(ClassStep)
@setMetadata("roles", ["hero"])
@setMetadata("level", "class")
class GuardedController {
  @get("/order")
  @useGuards(MethodStep)
  order({ state }: Ctx) {
    return { steps: state.steps };
  }

  @get("/deny")
  @useGuards(DenyGuard)
  deny() {
    return { reached: true };
  }

  @post("/badge", { body: Body })
  @useGuards(BadgeGuard)
  badge({ body }: Ctx<{ body: typeof Body }>) {
    return { name: body.name };
  }

  @get("/slow")
  @useGuards(SlowGuard)
  slow() {
    return { reached: true };
  }

  @get("/inspect/{id}")
  @useGuards(Inspector)
  @setMetadata("level", "method")
  inspect({ state }: Ctx) {
    return state.seen;
  }
}

@module({ controllers: [GuardedController] })
class GuardModule {}

const client = new TestClient(LaurenFactory.create(GuardModule, { logger: false, globalGuards: [GlobalStep] }));

describe("guards", () => {
  it("answers false with 403 forbidden naming the guard, and the handler never runs", async () => {
    const res = await client.get("/g/deny");
    assert.equal(res.status, 403);
    assert.equal(res.text, '{"error":{"code":"forbidden","message":"access denied by DenyGuard","detail":{"guard":"DenyGuard"}}}');
  });

  it("answers a thrown HttpError with that error's own envelope", async () => {
    const res = await client.post("/g/badge", { json: { name: "Volt" } });
    assert.equal(res.status, 403);
    assert.equal(
      res.text,
      '{"error":{"code":"villain_detected","message":"halt! that is not a valid HQ badge","detail":{"hint":"send a valid X-HQ-Badge header"}}}',
    );
    const ok = await client.post("/g/badge", { json: { name: "Volt" }, headers: { "x-hq-badge": "hq-badge-007" } });
    assert.deepEqual(ok.json(), { name: "Volt" });
  });

  it("runs before the body is read: a malformed body with a denying guard is 403", async () => {
    for (const body of ["{not json", ""]) {
      const res = await client.post("/g/badge", { body, headers: { "content-type": "application/json" } });
      assert.equal(res.status, 403);
      assert.equal(res.json().error.code, "villain_detected");
    }
    const wrongType = await client.post("/g/badge", { body: "x", headers: { "content-type": "text/plain" } });
    assert.equal(wrongType.status, 403);
    const malformedWithBadge = await client.post("/g/badge", {
      body: "{not json",
      headers: { "content-type": "application/json", "x-hq-badge": "hq-badge-007" },
    });
    assert.equal(malformedWithBadge.status, 422);
  });

  it("awaits async guards", async () => {
    assert.equal((await client.get("/g/slow", { headers: { "x-slow": "yes" } })).status, 200);
    const denied = await client.get("/g/slow");
    assert.equal(denied.status, 403);
    assert.equal(denied.json().error.message, "access denied by SlowGuard");
  });

  it("runs global guards, then the class's, then the method's", async () => {
    const res = await client.get("/g/order");
    assert.deepEqual(res.json(), { steps: ["global", "class", "method"] });
  });

  it("shows the guard the request, controller, handler, route template, method and metadata (method wins)", async () => {
    const res = await client.get("/g/inspect/42");
    assert.deepEqual(res.json(), {
      path: "/g/inspect/42",
      controllerName: "GuardedController",
      handlerName: "inspect",
      route: "/g/inspect/{id}",
      method: "GET",
      roles: ["hero"],
      level: "method",
      missing: null,
    });
  });

  it("accepts a ready guard instance", async () => {
    @controller("/i")
    class InstanceGuarded {
      @get("/")
      @useGuards({ canActivate: (ctx: ExecutionContext) => ctx.request.header("x-ok") === "1" })
      open() {
        return { ok: true };
      }
    }
    @module({ controllers: [InstanceGuarded] })
    class M {}
    const c = new TestClient(LaurenFactory.create(M, { logger: false }));
    assert.equal((await c.get("/i", { headers: { "x-ok": "1" } })).status, 200);
    assert.equal((await c.get("/i")).status, 403);
  });
});
