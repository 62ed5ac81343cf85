import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  controller,
  DuplicateProviderError,
  type DynamicModule,
  forwardRef,
  get,
  inject,
  injectable,
  MissingProviderError,
  module,
  Token,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { create, throwsStartup } from "./helpers.js";

describe("forward references", () => {
  it("let two modules import each other and inject each other's exports", () => {
    @injectable()
    class Roster {
      readonly dispatch = inject(Dispatch);
      names(): string[] {
        return ["Volt"];
      }
    }
    @injectable()
    class Dispatch {
      // Lazy on purpose: the two services only meet after construction.
      rosterSize(app: { get(t: typeof Roster): Roster }): number {
        return app.get(Roster).names().length;
      }
    }
    @module({ providers: [Roster], exports: [Roster], imports: [forwardRef(() => DispatchModule)] })
    class RosterModule {}
    @module({ providers: [Dispatch], exports: [Dispatch], imports: [RosterModule] })
    class DispatchModule {}
    @module({ imports: [RosterModule] })
    class Root {}
    const app = create(Root);
    const roster = app.get(Roster);
    assert.ok(roster.dispatch instanceof Dispatch);
    assert.equal(roster.dispatch.rosterSize(app), 1);
  });

  it("resolve a module declared further down the file", () => {
    @module({ imports: [forwardRef(() => Later)] })
    class Earlier {}
    @module({ providers: [{ provide: new Token<string>("X"), useValue: "x" }] })
    class Later {}
    assert.doesNotThrow(() => create(Earlier));
  });
});

describe("global modules", () => {
  const REGION = new Token<string>("REGION");

  it("export to every module once imported anywhere in the app", () => {
    @module({ global: true, providers: [{ provide: REGION, useValue: "eu-west" }], exports: [REGION] })
    class CoreModule {}
    @controller("/region")
    class RegionController {
      readonly region = inject(REGION);
      @get("/")
      show() {
        return { region: this.region };
      }
    }
    @module({ controllers: [RegionController] })
    class FeatureModule {}
    @module({ imports: [CoreModule, FeatureModule] })
    class Root {}
    return new TestClient(create(Root)).get("/region/").then((res) => assert.deepEqual(res.json(), { region: "eu-west" }));
  });

  it("share only their exports, and their providers resolve from the global module itself", () => {
    const SECRET = new Token<string>("SECRET");
    @injectable()
    class Vault {
      readonly secret = inject(SECRET);
    }
    @module({ global: true, providers: [{ provide: SECRET, useValue: "s3cret" }, Vault], exports: [Vault] })
    class VaultModule {}
    @injectable()
    class Peeker {
      readonly secret = inject(SECRET);
    }
    @module({ providers: [Peeker] })
    class Feature {}
    @module({ imports: [VaultModule, Feature] })
    class Root {}
    throwsStartup(() => create(Root), MissingProviderError, /Peeker \(in Feature\) asks for SECRET/);
  });
});

describe("dynamic modules", () => {
  interface MailerOptions {
    readonly from: string;
  }
  const MAILER_OPTIONS = new Token<MailerOptions>("MAILER_OPTIONS");

  @injectable()
  class Mailer {
    readonly options = inject(MAILER_OPTIONS);
  }

  @module({ providers: [Mailer], exports: [Mailer] })
  class MailerModule {
    static forRoot(options: MailerOptions): DynamicModule {
      return { module: MailerModule, providers: [{ provide: MAILER_OPTIONS, useValue: options }] };
    }
  }

  it("forRoot(options) adds providers to the module's own and is injected with them", () => {
    @injectable()
    class Newsletter {
      readonly mailer = inject(Mailer);
    }
    @module({ imports: [MailerModule.forRoot({ from: "hq@example.test" })], providers: [Newsletter] })
    class Root {}
    assert.deepEqual(create(Root).get(Newsletter).mailer.options, { from: "hq@example.test" });
  });

  it("can be global and be re-exported by naming its class", () => {
    @module({ global: true })
    class Settings {
      static forRoot(value: string): DynamicModule {
        const token = SETTING;
        return { module: Settings, global: true, providers: [{ provide: token, useValue: value }], exports: [token] };
      }
    }
    const SETTING = new Token<string>("SETTING");
    @injectable()
    class Reader {
      readonly value = inject(SETTING);
    }
    @module({ providers: [Reader] })
    class Feature {}
    @module({ imports: [Settings.forRoot("on"), Feature] })
    class Root {}
    assert.equal(create(Root).get(Reader).value, "on");

    @module({ imports: [MailerModule.forRoot({ from: "a@b.test" })], exports: [MailerModule] })
    class Reexporter {}
    @injectable()
    class User {
      readonly mailer = inject(Mailer);
    }
    @module({ imports: [Reexporter], providers: [User] })
    class Root2 {}
    assert.equal(create(Root2).get(User).mailer.options.from, "a@b.test");
  });

  it("set up twice is refused like any provider owned by two modules", () => {
    @module({ imports: [MailerModule.forRoot({ from: "a@b.test" }), MailerModule.forRoot({ from: "c@d.test" })] })
    class Root {}
    throwsStartup(() => create(Root), DuplicateProviderError, /Mailer is provided by both MailerModule and MailerModule/, /set up twice/);
  });
});
