import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Ctx,
  controller,
  DuplicateProviderError,
  get,
  InMemoryRevocationStore,
  inject,
  injectable,
  MissingProviderError,
  module,
  provide,
  RevocationStore,
  Scope,
  Token,
  UserSessions,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { create, throwsStartup } from "./helpers.js";

interface Clock {
  now(): number;
}
const CLOCK = new Token<Clock>("CLOCK");

describe("optional dependencies", () => {
  it("resolve to undefined when nothing provides the token, and to the provider when something does", () => {
    @injectable()
    class Scheduler {
      readonly clock = inject(CLOCK, { optional: true });
      now(): number {
        return this.clock?.now() ?? -1;
      }
    }
    @module({ providers: [Scheduler] })
    class Bare {}
    assert.equal(create(Bare).get(Scheduler).now(), -1);

    @module({ providers: [Scheduler, { provide: CLOCK, useValue: { now: () => 42 } }] })
    class Wired {}
    assert.equal(create(Wired).get(Scheduler).now(), 42);
  });

  it("still respect module visibility: a provider the module cannot see is absent", () => {
    @module({ providers: [{ provide: CLOCK, useValue: { now: () => 1 } }] })
    class Hidden {}
    @injectable()
    class Scheduler {
      readonly clock = inject(CLOCK, { optional: true });
    }
    @module({ imports: [Hidden], providers: [Scheduler] })
    class Root {}
    assert.equal(create(Root).get(Scheduler).clock, undefined);
  });

  it("work in handlers through ctx.resolve's container and in factories", () => {
    const LABEL = new Token<string>("LABEL");
    @module({ providers: [{ provide: LABEL, useFactory: () => (inject(CLOCK, { optional: true }) === undefined ? "no clock" : "clock") }] })
    class M {}
    assert.equal(create(M).get(LABEL), "no clock");
  });

  it("without { optional: true } a missing token still fails at start-up and mentions the option", () => {
    @injectable()
    class Scheduler {
      readonly clock = inject(CLOCK);
    }
    @module({ providers: [Scheduler] })
    class M {}
    throwsStartup(() => create(M), MissingProviderError, /Scheduler \(in M\) asks for CLOCK/, /\{ optional: true \}/);
  });
});

interface Plugin {
  readonly name: string;
}
const PLUGINS = new Token<readonly Plugin[]>("PLUGINS");

describe("multi-bindings", () => {
  it("collect every contribution as an array, in module order, with imports before the module's own", () => {
    @injectable()
    class AuditPlugin implements Plugin {
      readonly name = "audit";
    }
    @module({ providers: [provide(PLUGINS, { useClass: AuditPlugin, multi: true })], exports: [PLUGINS] })
    class AuditModule {}
    @module({ providers: [provide(PLUGINS, { useValue: { name: "metrics" }, multi: true })], exports: [PLUGINS] })
    class MetricsModule {}
    @injectable()
    class PluginHost {
      readonly plugins = inject(PLUGINS);
    }
    @module({
      imports: [AuditModule, MetricsModule],
      providers: [PluginHost, provide(PLUGINS, { useFactory: () => ({ name: "local" }), multi: true })],
    })
    class Root {}
    const app = create(Root);
    const host = app.get(PluginHost);
    assert.deepEqual(
      host.plugins.map((p) => p.name),
      ["audit", "metrics", "local"],
    );
    assert.ok(host.plugins[0] instanceof AuditPlugin);
    assert.ok(Object.isFrozen(host.plugins), "the collected array cannot be edited by one consumer for all");
    assert.equal(app.get(PluginHost).plugins, host.plugins, "app-lived contributions make one array for the module");
  });

  it("a module sees only the contributions visible to it", () => {
    @module({ providers: [{ provide: PLUGINS, useValue: { name: "private" }, multi: true }] })
    class Private {}
    @module({ providers: [{ provide: PLUGINS, useValue: { name: "shared" }, multi: true }], exports: [PLUGINS] })
    class Shared {}
    @injectable()
    class Host {
      readonly plugins = inject(PLUGINS);
    }
    @module({ imports: [Private, Shared], providers: [Host] })
    class Root {}
    assert.deepEqual(
      create(Root)
        .get(Host)
        .plugins.map((p) => p.name),
      ["shared"],
    );
  });

  it("request-scoped contributions are built per request and resolved with ctx.resolve()", async () => {
    let built = 0;
    @injectable({ scope: Scope.REQUEST })
    class PerRequest implements Plugin {
      readonly name = `request-${++built}`;
    }
    @controller("/plugins")
    class PluginController {
      @get("/")
      list(ctx: Ctx) {
        const first = ctx.resolve(PLUGINS);
        const again = ctx.resolve(PLUGINS);
        return { names: first.map((p) => p.name), sameInstance: first[1] === again[1] };
      }
    }
    @module({
      controllers: [PluginController],
      providers: [
        { provide: PLUGINS, useValue: { name: "static" }, multi: true },
        { provide: PLUGINS, useClass: PerRequest, multi: true },
      ],
    })
    class M {}
    const client = new TestClient(create(M));
    const first = (await client.get("/plugins/")).json() as { names: string[]; sameInstance: boolean };
    const second = (await client.get("/plugins/")).json() as { names: string[]; sameInstance: boolean };
    assert.deepEqual(first, { names: ["static", `request-${built - 1}`], sameInstance: true });
    assert.deepEqual(second, { names: ["static", `request-${built}`], sameInstance: true }, "a new one per request");
  });

  it("global multi providers are collected too", () => {
    @injectable()
    class Host {
      readonly plugins = inject(PLUGINS);
    }
    @module({ providers: [Host] })
    class M {}
    const app = create(M, {
      globalProviders: [
        { provide: PLUGINS, useValue: { name: "one" }, multi: true },
        { provide: PLUGINS, useValue: { name: "two" }, multi: true },
      ],
    });
    assert.deepEqual(
      app.get(Host).plugins.map((p) => p.name),
      ["one", "two"],
    );
  });
});

describe("globalProviders next to the modules' providers", () => {
  it("global multi contributions join a module's own, global ones first: a module never hides them", () => {
    @injectable()
    class Host {
      readonly plugins = inject(PLUGINS);
    }
    @module({ providers: [provide(PLUGINS, { useValue: { name: "imported" }, multi: true })], exports: [PLUGINS] })
    class Feature {}
    @module({ imports: [Feature], providers: [Host, provide(PLUGINS, { useValue: { name: "own" }, multi: true })], exports: [Host] })
    class Root {}
    @injectable()
    class Elsewhere {
      readonly plugins = inject(PLUGINS);
    }
    @module({ imports: [Root], providers: [Elsewhere] })
    class Outer {}
    const app = create(Outer, { globalProviders: [provide(PLUGINS, { useValue: { name: "global" }, multi: true })] });
    assert.deepEqual(
      app.get(Host).plugins.map((p) => p.name),
      ["global", "imported", "own"],
    );
    assert.deepEqual(
      app.get(Elsewhere).plugins.map((p) => p.name),
      ["global"],
      "a module with no contribution of its own sees the global ones",
    );
  });

  it("a single provider in both globalProviders and a module is refused, naming both and the fix", () => {
    @module({ providers: [{ provide: CLOCK, useValue: { now: () => 1 } }] })
    class TimeModule {}
    throwsStartup(
      () => create(TimeModule, { globalProviders: [{ provide: CLOCK, useValue: { now: () => 2 } }] }),
      DuplicateProviderError,
      /CLOCK is provided by both globalProviders and TimeModule, which would make two separate instances/,
      /remove it from TimeModule's providers to use the global one everywhere, or remove it from globalProviders/,
    );
  });

  it("a token listed twice in globalProviders, or multi there and single in a module, is refused", () => {
    @module({})
    class Empty {}
    throwsStartup(
      () =>
        create(Empty, {
          globalProviders: [
            { provide: CLOCK, useValue: { now: () => 1 } },
            { provide: CLOCK, useValue: { now: () => 2 } },
          ],
        }),
      DuplicateProviderError,
      /globalProviders lists CLOCK twice/,
      /multi: true/,
    );
    @module({ providers: [{ provide: PLUGINS, useValue: [] }] })
    class Single {}
    throwsStartup(
      () => create(Single, { globalProviders: [provide(PLUGINS, { useValue: { name: "g" }, multi: true })] }),
      DuplicateProviderError,
      /PLUGINS has both multi \(multi: true\) and single providers \(in globalProviders and Single\)/,
    );
  });

  it("what the sessions option provides (UserSessions, RevocationStore) cannot be provided again", () => {
    @module({ providers: [{ provide: UserSessions, useValue: {} as UserSessions }] })
    class Shadow {}
    throwsStartup(
      () => create(Shadow, { sessions: { secret: "a-di-test-secret-that-is-32-bytes-long!" } }),
      DuplicateProviderError,
      /UserSessions is listed in Shadow's providers, but the sessions option already provides it to every module/,
    );
    @module({})
    class Empty {}
    throwsStartup(
      () =>
        create(Empty, {
          sessions: { secret: "a-di-test-secret-that-is-32-bytes-long!", revocationStore: new InMemoryRevocationStore() },
          globalProviders: [{ provide: RevocationStore, useValue: new InMemoryRevocationStore() }],
        }),
      DuplicateProviderError,
      /RevocationStore is listed in globalProviders, but the sessions option \(revocationStore\) already provides it/,
    );
  });
});
