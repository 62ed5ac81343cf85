import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Ctx,
  controller,
  type ExecutionContext,
  get,
  InjectionContextError,
  inject,
  injectable,
  LaurenFactory,
  MissingProviderError,
  module,
  Scope,
  Token,
  useGuards,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

let serial = 0;

@injectable()
class Clock {
  readonly id = ++serial;
}

@injectable({ scope: Scope.REQUEST })
class RequestTag {
  readonly id = ++serial;
  readonly clock = inject(Clock);
}

@injectable({ scope: Scope.REQUEST })
class Audit {
  // A request-scoped provider shares the request's other request-scoped instances.
  readonly tag = inject(RequestTag);
}

@injectable({ scope: Scope.TRANSIENT })
class Scratchpad {
  readonly id = ++serial;
}

@controller("/scopes")
class ScopeController {
  readonly clockFromField = inject(Clock);
  readonly clockFromConstructor: Clock;

  constructor() {
    this.clockFromConstructor = inject(Clock);
  }

  @get("/")
  show(ctx: Ctx) {
    const tag = ctx.resolve(RequestTag);
    const pad = ctx.resolve(Scratchpad);
    return {
      fieldAndConstructorShareTheSingleton: this.clockFromField === this.clockFromConstructor,
      clock: ctx.resolve(Clock).id,
      tag: tag.id,
      tagIsCachedPerRequest: ctx.resolve(RequestTag) === tag,
      auditSeesSameTag: ctx.resolve(Audit).tag === tag,
      tagSeesSingleton: tag.clock === this.clockFromField,
      transientIsNewEachTime: ctx.resolve(Scratchpad) !== pad,
    };
  }
}

@module({ controllers: [ScopeController], providers: [Clock, RequestTag, Audit, Scratchpad] })
class ScopeModule {}

interface Config {
  readonly name: string;
}
const CONFIG = new Token<Config>("CONFIG");
const GREETING = new Token<string>("GREETING");
const ALIAS = new Token<Greeter>("ALIAS");
const REGION = new Token<string>("REGION");

class Greeter {
  greet(name: string): string {
    return `hello ${name}`;
  }
}
class LoudGreeter extends Greeter {
  override greet(name: string): string {
    return `HELLO ${name.toUpperCase()}`;
  }
}

@controller("/providers")
class ProviderController {
  readonly config = inject(CONFIG);
  readonly greeting = inject(GREETING);
  readonly greeter = inject(Greeter);
  readonly alias = inject(ALIAS);
  readonly region = inject(REGION);

  @get("/")
  show() {
    return {
      config: this.config.name,
      greeting: this.greeting,
      greeter: this.greeter.greet("volt"),
      aliasIsSameInstance: this.alias === this.greeter,
      region: this.region,
    };
  }
}

@module({
  controllers: [ProviderController],
  providers: [
    { provide: CONFIG, useValue: { name: "Hero HQ" } },
    { provide: Greeter, useClass: LoudGreeter },
    // A factory runs in an injection context, so it may inject what it needs.
    { provide: GREETING, useFactory: () => `welcome to ${inject(CONFIG).name}` },
    { provide: ALIAS, useExisting: Greeter },
  ],
})
class ProviderModule {}

describe("dependency injection", () => {
  it("injects in field initialisers and constructors, and inject() elsewhere throws InjectionContextError", () => {
    const app = LaurenFactory.create(ScopeModule, { logger: false });
    assert.ok(app.get(Clock) instanceof Clock);
    assert.throws(
      () => inject(Clock),
      (err: unknown) =>
        err instanceof InjectionContextError && /inject\(Clock\)/.test(err.message) && /constructor or field initialiser/.test(err.message),
    );
  });

  it("shares a singleton across requests, caches request scope per request and builds transients anew", async () => {
    const client = new TestClient(LaurenFactory.create(ScopeModule, { logger: false }));
    const first = (await client.get("/scopes")).json();
    const second = (await client.get("/scopes")).json();
    for (const body of [first, second]) {
      assert.equal(body.fieldAndConstructorShareTheSingleton, true);
      assert.equal(body.tagIsCachedPerRequest, true);
      assert.equal(body.auditSeesSameTag, true);
      assert.equal(body.tagSeesSingleton, true);
      assert.equal(body.transientIsNewEachTime, true);
    }
    assert.equal(first.clock, second.clock);
    assert.notEqual(first.tag, second.tag);
  });

  it("supports value, class, factory and existing providers and Token<T> tokens", async () => {
    const client = new TestClient(
      LaurenFactory.create(ProviderModule, { logger: false, globalProviders: [{ provide: REGION, useValue: "sector 1" }] }),
    );
    assert.deepEqual((await client.get("/providers")).json(), {
      config: "Hero HQ",
      greeting: "welcome to Hero HQ",
      greeter: "HELLO VOLT",
      aliasIsSameInstance: true,
      region: "sector 1",
    });
  });
});

describe("module visibility", () => {
  @injectable()
  class Vault {
    readonly gold = 100;
  }

  @module({ providers: [Vault], exports: [Vault] })
  class VaultModule {}

  @module({ imports: [VaultModule], exports: [VaultModule] })
  class BankModule {}

  @module({ imports: [VaultModule] })
  class PlainImporter {}

  it("lets a module inject its imports' exports, and a module re-exported by an import", async () => {
    @controller("/gold")
    class DirectController {
      readonly vault = inject(Vault);
      @get("/")
      gold() {
        return { gold: this.vault.gold };
      }
    }
    @controller("/re")
    class ReexportController {
      readonly vault = inject(Vault);
      @get("/")
      gold() {
        return { gold: this.vault.gold };
      }
    }
    @module({ controllers: [DirectController], imports: [VaultModule] })
    class Direct {}
    @module({ controllers: [ReexportController], imports: [BankModule] })
    class ViaBank {}
    @module({ imports: [Direct, ViaBank] })
    class Root {}
    const client = new TestClient(LaurenFactory.create(Root, { logger: false }));
    assert.deepEqual((await client.get("/gold")).json(), { gold: 100 });
    assert.deepEqual((await client.get("/re")).json(), { gold: 100 });
  });

  it("does not make an import's imports visible (no transitive visibility)", () => {
    @controller("/thief")
    class Thief {
      readonly vault = inject(Vault);
    }
    // PlainImporter imports VaultModule but does not re-export it.
    @module({ controllers: [Thief], imports: [PlainImporter] })
    class Outsider {}
    assert.throws(
      () => LaurenFactory.create(Outsider, { logger: false }),
      (err: unknown) =>
        err instanceof MissingProviderError && /Thief/.test(err.message) && /Import VaultModule in Outsider/.test(err.message),
    );
  });

  it("makes globalProviders visible to every module", async () => {
    @controller("/global")
    class UsesGlobal {
      readonly region = inject(REGION);
      @get("/")
      where() {
        return { region: this.region };
      }
    }
    @module({ controllers: [UsesGlobal] })
    class Leaf {}
    @module({ imports: [Leaf] })
    class Root {}
    const app = LaurenFactory.create(Root, { logger: false, globalProviders: [{ provide: REGION, useValue: "everywhere" }] });
    assert.deepEqual((await new TestClient(app).get("/global")).json(), { region: "everywhere" });
  });

  it("builds guards named in @useGuards with the container, without listing them as providers", async () => {
    let built = 0;
    class VaultGuard {
      readonly vault = inject(Vault);
      constructor() {
        built++;
      }
      canActivate(ctx: ExecutionContext): boolean {
        return this.vault.gold > 0 && ctx.request.header("x-key") === "open";
      }
    }
    @controller("/guarded")
    @useGuards(VaultGuard)
    class Guarded {
      @get("/a")
      a() {
        return { a: true };
      }
      @get("/b")
      b() {
        return { b: true };
      }
    }
    @module({ controllers: [Guarded], imports: [VaultModule] })
    class GuardedModule {}
    const client = new TestClient(LaurenFactory.create(GuardedModule, { logger: false }));
    assert.equal((await client.get("/guarded/a", { headers: { "x-key": "open" } })).status, 200);
    assert.equal((await client.get("/guarded/b")).status, 403);
    assert.equal(built, 1);
  });
});
