import { describe, it } from "node:test";
import {
  CircularModuleImportError,
  ControllerAsProviderError,
  controller,
  DuplicateProviderError,
  get,
  InvalidExportError,
  InvalidModuleError,
  inject,
  injectable,
  module,
  Scope,
  ScopeMismatchError,
  Token,
  wsController,
} from "../../src/index.js";
import { create, throwsStartup } from "./helpers.js";

@injectable()
class HeroRepository {}

describe("wiring mistakes are refused at start-up", () => {
  it("a controller listed under providers names the class and says to move it", () => {
    @controller("/heroes")
    class HeroController {
      @get("/")
      list() {
        return [];
      }
    }
    @module({ providers: [HeroController] })
    class DispatchModule {}
    throwsStartup(
      () => create(DispatchModule),
      ControllerAsProviderError,
      /HeroController is a controller/,
      /DispatchModule lists it under providers/,
      /Move HeroController from DispatchModule's providers to its controllers/,
    );
  });

  it("a WebSocket controller or a controller behind useClass is refused the same way", () => {
    @wsController("/comms")
    class CommsGateway {}
    @module({ providers: [CommsGateway] })
    class LiveModule {}
    throwsStartup(() => create(LiveModule), ControllerAsProviderError, /CommsGateway is a controller/);

    @controller("/x")
    class Hidden {}
    @module({ providers: [{ provide: HeroRepository, useClass: Hidden }] })
    class Sneaky {}
    throwsStartup(() => create(Sneaky), ControllerAsProviderError, /Hidden is a controller/, /Sneaky/);
  });

  it("a provider owned by two modules names both and says to export it from one", () => {
    @module({ providers: [HeroRepository], exports: [HeroRepository] })
    class RosterModule {}
    @module({ providers: [HeroRepository] })
    class DispatchModule {}
    @module({ imports: [RosterModule, DispatchModule] })
    class Root {}
    throwsStartup(
      () => create(Root),
      DuplicateProviderError,
      /HeroRepository is provided by both RosterModule and DispatchModule/,
      /two separate instances/,
      /Provide it in one module, add it to that module's exports/,
    );
  });

  it("a token listed twice in one module is refused, with multi: true offered", () => {
    const LIMIT = new Token<number>("LIMIT");
    @module({
      providers: [
        { provide: LIMIT, useValue: 1 },
        { provide: LIMIT, useValue: 2 },
      ],
    })
    class M {}
    throwsStartup(() => create(M), DuplicateProviderError, /M lists LIMIT twice/, /multi: true/);
  });

  it("multi and single providers of one token are refused", () => {
    const PLUGINS = new Token<readonly string[]>("PLUGINS");
    @module({ providers: [{ provide: PLUGINS, useValue: "a", multi: true }], exports: [PLUGINS] })
    class A {}
    @module({ imports: [A], providers: [{ provide: PLUGINS, useValue: ["b"] }] })
    class B {}
    throwsStartup(() => create(B), DuplicateProviderError, /PLUGINS has both multi/, /A and B/);
  });

  it("a request-scoped provider reached by a singleton through an optional binding is refused, not skipped", () => {
    @injectable({ scope: Scope.REQUEST })
    class CurrentUser {}
    @injectable()
    class Mailer {
      readonly user = inject(CurrentUser, { optional: true });
    }
    @module({ providers: [CurrentUser, Mailer] })
    class M {}
    throwsStartup(
      () => create(M),
      ScopeMismatchError,
      /Mailer lives for the whole app but depends through an optional binding on CurrentUser/,
      /ctx\.resolve\(\)/,
    );
  });

  it("a request-scoped contribution reached by a singleton through a multi-binding is refused", () => {
    interface Auditor {
      readonly name: string;
    }
    const AUDITORS = new Token<readonly Auditor[]>("AUDITORS");
    @injectable({ scope: Scope.REQUEST })
    class RequestAuditor implements Auditor {
      readonly name = "request";
    }
    @injectable()
    class AuditTrail {
      readonly auditors = inject(AUDITORS);
    }
    @module({
      providers: [
        { provide: AUDITORS, useValue: { name: "static" }, multi: true },
        { provide: AUDITORS, useClass: RequestAuditor, multi: true },
        AuditTrail,
      ],
    })
    class M {}
    throwsStartup(
      () => create(M),
      ScopeMismatchError,
      /AuditTrail lives for the whole app but depends through the multi-binding AUDITORS on RequestAuditor \(for AUDITORS\), which is request-scoped/,
      /request-scoped/,
    );
  });

  it("a circular module import offers forwardRef in the message", () => {
    const alphaImports: (new () => unknown)[] = [];
    @module({ imports: alphaImports })
    class AlphaModule {}
    @module({ imports: [AlphaModule] })
    class BetaModule {}
    alphaImports.push(BetaModule);
    throwsStartup(
      () => create(AlphaModule),
      CircularModuleImportError,
      /AlphaModule → BetaModule → AlphaModule/,
      /in BetaModule: imports: \[forwardRef\(\(\) => AlphaModule\)\]/,
    );
  });

  it("an import that is still undefined (files importing each other) suggests forwardRef", () => {
    @module({ imports: [undefined as never] })
    class Early {}
    throwsStartup(() => create(Early), InvalidModuleError, /Early's imports\[0\] is undefined/, /forwardRef\(\(\) => OtherModule\)/);
  });

  it("exporting a module that is not imported is refused", () => {
    @module({})
    class Other {}
    @module({ exports: [Other] })
    class Boastful {}
    throwsStartup(() => create(Boastful), InvalidExportError, /Boastful exports the module Other but does not import it/);
  });
});
