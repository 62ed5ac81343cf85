import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import {
  type Ctx,
  controller,
  type ExecutionContext,
  get,
  inject,
  injectable,
  LaurenFactory,
  MissingProviderError,
  module,
  Scope,
  ScopeMismatchError,
  Token,
  useGuards,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

describe("request-scoped guards", () => {
  let built = 0;

  @injectable({ scope: Scope.REQUEST })
  class CountingGuard {
    readonly serial = ++built;
    canActivate(ctx: ExecutionContext): boolean {
      ctx.state.guardSerial = this.serial;
      return true;
    }
  }

  @controller("/g")
  class GuardedController {
    @get("/")
    @useGuards(CountingGuard)
    show({ state }: Ctx) {
      return { serial: state.guardSerial };
    }
  }

  @module({ controllers: [GuardedController] })
  class GuardedModule {}

  test("a request-scoped guard that is not listed as a provider is built anew for every request", async () => {
    const client = new TestClient(LaurenFactory.create(GuardedModule, { logger: false }));
    const first = (await client.get("/g/")).json().serial;
    const second = (await client.get("/g/")).json().serial;
    assert.notEqual(first, second);
  });
});

describe("global providers", () => {
  const Greeting = new Token<string>("Greeting");
  let builtAtStartup = false;

  class Greeter {
    readonly text = `${inject(Greeting)}, hero`;
    constructor() {
      builtAtStartup = true;
    }
  }

  @controller("/hello")
  class HelloController {
    readonly #greeter = inject(Greeter);
    @get("/")
    hello() {
      return { text: this.#greeter.text };
    }
  }

  @module({ controllers: [HelloController] })
  class HelloModule {}

  test("are built at start-up and resolve their own dependencies among the global providers", async () => {
    const app = LaurenFactory.create(HelloModule, {
      logger: false,
      globalProviders: [{ provide: Greeting, useValue: "hail" }, Greeter],
    });
    assert.equal(builtAtStartup, true);
    assert.deepEqual((await new TestClient(app).get("/hello/")).json(), { text: "hail, hero" });
  });

  test("cannot see a module's private providers, whichever module asks first", () => {
    class Secret {}
    class Leaky {
      readonly secret = inject(Secret);
    }
    @module({ providers: [Secret], controllers: [HelloController] })
    class OwnerModule {}
    assert.throws(
      () => LaurenFactory.create(OwnerModule, { logger: false, globalProviders: [Leaky, { provide: Greeting, useValue: "x" }, Greeter] }),
      MissingProviderError,
    );
  });
});

describe("scope mismatch on a controller", () => {
  @injectable({ scope: Scope.REQUEST })
  class PerRequest {}

  @controller("/bad")
  class BadController {
    readonly perRequest = inject(PerRequest);
  }

  @module({ controllers: [BadController], providers: [PerRequest] })
  class BadModule {}

  test("points to ctx.resolve() and to making the controller request-scoped", () => {
    assert.throws(
      () => LaurenFactory.create(BadModule, { logger: false }),
      (err: unknown) =>
        err instanceof ScopeMismatchError &&
        /ctx\.resolve\(\)/.test(err.message) &&
        /@controller\("\/path", \{ scope: Scope\.REQUEST \}\)/.test(err.message),
    );
  });
});

describe("routing and validation edges", () => {
  const Range = z.object({ from: z.coerce.number(), to: z.coerce.number() }).refine((r) => r.from <= r.to, "from must not exceed to");

  @controller("/items")
  class ItemsController {
    @get("/{id}")
    one({ params }: Ctx) {
      return { id: params.id };
    }

    @get("/", { query: Range })
    list({ query }: Ctx<{ query: typeof Range }>) {
      return query;
    }
  }

  @module({ controllers: [ItemsController] })
  class ItemsModule {}

  const client = new TestClient(LaurenFactory.create(ItemsModule, { logger: false }));

  test("an empty path segment never matches a parameter", async () => {
    const res = await client.get("/items//");
    assert.equal(res.status, 404);
    assert.equal(res.json().error.code, "route_not_found");
  });

  test("a failure of the whole query object is reported without naming a fake field", async () => {
    const res = await client.get("/items/", { query: { from: "5", to: "1" } });
    assert.equal(res.status, 422);
    assert.equal(res.json().error.message, "invalid query parameters: from must not exceed to");
  });
});
