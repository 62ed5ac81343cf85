import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CircularDependencyError,
  CircularModuleImportError,
  ConfigurationError,
  controller,
  DecoratorUsageError,
  del,
  get,
  InvalidExportError,
  InvalidGuardError,
  InvalidModuleError,
  inject,
  injectable,
  LaurenFactory,
  type LaurenOptions,
  MissingProviderError,
  module,
  patch,
  post,
  put,
  RouteConflictError,
  Scope,
  ScopeMismatchError,
  StartupError,
  setMetadata,
  useGuards,
} from "../../src/index.js";

type ErrorClass = new (...args: never[]) => Error;

/** Asserts `fn` throws exactly `cls` (a StartupError) and that its message matches every pattern. */
function throwsStartup(fn: () => unknown, cls: ErrorClass, ...patterns: RegExp[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    assert.ok(err instanceof StartupError);
    assert.equal(err.name, cls.name);
    for (const pattern of patterns) assert.match(err.message, pattern);
    return true;
  });
}

const create = (root: new () => unknown, options: Record<string, unknown> = {}) =>
  LaurenFactory.create(root, { logger: false, ...options } as LaurenOptions);

@injectable()
class Service {}

describe("start-up errors name the culprit and the fix", () => {
  it("RouteConflictError: two handlers for one method and path", () => {
    @controller("/heroes")
    class First {
      @get("/{id}")
      one() {}
    }
    @controller("/heroes")
    class Second {
      @get("/{id}")
      other() {}
    }
    @module({ controllers: [First, Second] })
    class M {}
    throwsStartup(() => create(M), RouteConflictError, /GET \/heroes\/\{id\}/, /First\.one/, /Second\.other/, /different path or method/);
  });

  it("CircularModuleImportError: modules that import each other", () => {
    const aImports: (new () => unknown)[] = [];
    @module({ imports: aImports })
    class AlphaModule {}
    @module({ imports: [AlphaModule] })
    class BetaModule {}
    aImports.push(BetaModule);
    throwsStartup(() => create(AlphaModule), CircularModuleImportError, /AlphaModule → BetaModule → AlphaModule/, /separate module/);
  });

  it("CircularDependencyError: providers that inject each other", () => {
    @injectable()
    class Chicken {
      readonly egg: unknown = inject(Egg);
    }
    @injectable()
    class Egg {
      readonly chicken: unknown = inject(Chicken);
    }
    @module({ providers: [Chicken, Egg] })
    class M {}
    throwsStartup(() => create(M), CircularDependencyError, /Chicken → Egg → Chicken/, /Break the cycle/);
  });

  it("MissingProviderError: a token nothing provides", () => {
    @controller("/c")
    class Needy {
      readonly service = inject(Service);
    }
    @module({ controllers: [Needy] })
    class LonelyModule {}
    throwsStartup(
      () => create(LonelyModule),
      MissingProviderError,
      /Needy/,
      /Service/,
      /nothing provides it/,
      /Add Service to LonelyModule's providers/,
    );
  });

  it("MissingProviderError: provided by an imported module that does not export it", () => {
    @module({ providers: [Service] })
    class Owner {}
    @injectable()
    class Consumer {
      readonly service = inject(Service);
    }
    @module({ providers: [Consumer], imports: [Owner] })
    class Importer {}
    throwsStartup(
      () => create(Importer),
      MissingProviderError,
      /Consumer/,
      /Owner provides but does not export/,
      /Add Service to Owner's exports/,
    );
  });

  it("MissingProviderError: exported by a module that the asking module does not import", () => {
    @module({ providers: [Service], exports: [Service] })
    class Owner {}
    @injectable()
    class Consumer {
      readonly service = inject(Service);
    }
    @module({ providers: [Consumer] })
    class Forgetful {}
    @module({ imports: [Owner, Forgetful] })
    class Root {}
    throwsStartup(() => create(Root), MissingProviderError, /Consumer \(in Forgetful\)/, /Import Owner in Forgetful/);
  });

  it("InvalidExportError: exporting something the module neither provides nor imports", () => {
    @module({ exports: [Service] })
    class Boastful {}
    throwsStartup(() => create(Boastful), InvalidExportError, /Boastful exports Service/, /Add Service to Boastful's providers/);
  });

  it("ScopeMismatchError: a singleton that depends on a request-scoped provider", () => {
    @injectable({ scope: Scope.REQUEST })
    class CurrentUser {}
    @injectable()
    class Mailer {
      readonly user = inject(CurrentUser);
    }
    @module({ providers: [CurrentUser, Mailer] })
    class M {}
    throwsStartup(() => create(M), ScopeMismatchError, /Mailer/, /CurrentUser, which is request-scoped/, /ctx\.resolve\(\)/);
  });

  it("InvalidGuardError: a guard without canActivate", () => {
    class NotAGuard {
      check(): boolean {
        return true;
      }
    }
    @controller("/g")
    class Guarded {
      @get("/")
      @useGuards(NotAGuard as never)
      open() {}
    }
    @module({ controllers: [Guarded] })
    class M {}
    throwsStartup(() => create(M), InvalidGuardError, /NotAGuard/, /Guarded\.open/, /Add canActivate\(ctx\)/);
  });

  it("InvalidModuleError: importing a class that is not a module", () => {
    class JustAClass {}
    @module({ imports: [JustAClass] })
    class M {}
    throwsStartup(() => create(M), InvalidModuleError, /JustAClass is imported by M/, /decorate it with @module/);
  });

  it("InvalidModuleError: listing a controller that has no @controller", () => {
    class Undecorated {}
    @module({ controllers: [Undecorated] })
    class M {}
    throwsStartup(() => create(M), InvalidModuleError, /M lists Undecorated as a controller/, /@controller\("\/prefix"\)/);
  });

  it("ConfigurationError: a maxBodySize that is not a positive whole number", () => {
    @module({})
    class M {}
    for (const bad of [0, -1, 1.5, "1mb"]) {
      throwsStartup(
        () => create(M, { maxBodySize: bad }),
        ConfigurationError,
        /maxBodySize must be a positive whole number/,
        /Remove it for the default/,
      );
    }
  });

  it("ConfigurationError: docsUrl without openapiUrl", () => {
    @module({})
    class M {}
    throwsStartup(() => create(M, { docsUrl: "/docs" }), ConfigurationError, /docsUrl \/docs/, /set openapiUrl too/);
  });
});

describe("a configurable decorator used bare throws DecoratorUsageError", () => {
  // With standard decorators, a bare `@controller` calls controller(Class, context).
  // biome-ignore lint/suspicious/noExplicitAny: deliberately misusing the decorators
  const bare = (decorator: unknown) => decorator as any;

  it("@controller", () => {
    throwsStartup(
      () => {
        @bare(controller)
        class C {}
        return C;
      },
      DecoratorUsageError,
      /@controller must be called/,
      /@controller\("\/heroes"\)/,
    );
  });

  it("@module", () => {
    throwsStartup(
      () => {
        @bare(module)
        class M {}
        return M;
      },
      DecoratorUsageError,
      /@module must be called/,
    );
  });

  it("@injectable", () => {
    throwsStartup(
      () => {
        @bare(injectable)
        class S {}
        return S;
      },
      DecoratorUsageError,
      /@injectable must be called/,
      /@injectable\(\)/,
    );
  });

  it("@get, @post, @put, @patch and @delete", () => {
    for (const verb of [get, post, put, patch, del]) {
      throwsStartup(
        () => {
          class C {
            @bare(verb)
            handler() {}
          }
          return C;
        },
        DecoratorUsageError,
        /must be called/,
        /\("\/path"\)/,
      );
    }
  });

  it("@useGuards on a class and on a method", () => {
    throwsStartup(
      () => {
        @bare(useGuards)
        class C {}
        return C;
      },
      DecoratorUsageError,
      /@useGuards must be called/,
      /@useGuards\(BadgeGuard\)/,
    );
    throwsStartup(
      () => {
        class C {
          @bare(useGuards)
          handler() {}
        }
        return C;
      },
      DecoratorUsageError,
      /@useGuards must be called/,
    );
  });

  it("@setMetadata", () => {
    throwsStartup(
      () => {
        class C {
          @bare(setMetadata)
          handler() {}
        }
        return C;
      },
      DecoratorUsageError,
      /@setMetadata must be called/,
      /@setMetadata\("roles"/,
    );
  });
});
