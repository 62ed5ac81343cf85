/**
 * Start-up checks for WebSocket gateways: a miswired gateway fails in
 * `LaurenFactory.create()` (or at class definition), naming the culprit.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ConfigurationError,
  DecoratorUsageError,
  type ExecutionContext,
  type Guard,
  InvalidModuleError,
  inject,
  injectable,
  LaurenFactory,
  MissingProviderError,
  module,
  onMessage,
  useGuards,
  wsController,
} from "../../src/index.js";

@injectable()
class BadgeGuard implements Guard {
  canActivate(ctx: ExecutionContext): boolean {
    return ctx.request.header("x-badge") === "hq-007";
  }
}

describe("WebSocket gateways at start-up", () => {
  function appWith(gateway: new () => unknown, providers: (new () => unknown)[] = []) {
    @module({ controllers: [gateway], providers })
    class M {}
    return () => LaurenFactory.create(M, { logger: false });
  }

  test("two handlers for one event are refused", () => {
    @wsController("/dup")
    class Dup {
      @onMessage("chat")
      a() {}
      @onMessage("chat")
      b() {}
    }
    assert.throws(appWith(Dup), (e: unknown) => e instanceof InvalidModuleError && /handles the "chat" event twice/.test(e.message));
  });

  test("guards on a message handler are refused, since guards run only at the upgrade", () => {
    @wsController("/guarded")
    class Guarded {
      @onMessage("chat")
      @useGuards(BadgeGuard)
      chat() {}
    }
    assert.throws(
      appWith(Guarded, [BadgeGuard]),
      (e: unknown) => e instanceof InvalidModuleError && /run once, before the upgrade/.test(e.message),
    );
  });

  test("a gateway that injects something its module cannot see fails in create()", () => {
    class Unprovided {}
    @wsController("/needy")
    class Needy {
      readonly dep = inject(Unprovided);
    }
    assert.throws(appWith(Needy), MissingProviderError);
  });

  test("invalid limits are refused", () => {
    @wsController("/limits", { maxPayload: -1 })
    class Limits {}
    assert.throws(appWith(Limits), ConfigurationError);
  });

  test("decorators used without their arguments explain how to write them", () => {
    assert.throws(() => {
      // @ts-expect-error: the bare form is the mistake under test
      @wsController
      class Bare {}
      return Bare;
    }, DecoratorUsageError);
  });
});
