import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AsyncProviderError,
  type Ctx,
  controller,
  get,
  inject,
  injectable,
  LaurenFactory,
  module,
  ProviderFactoryError,
  Scope,
  Token,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { rejectsStartup, throwsStartup } from "./helpers.js";

interface Pool {
  readonly url: string;
  readonly connected: boolean;
}
const DB_URL = new Token<string>("DB_URL");
const POOL = new Token<Pool>("POOL");

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("async providers", () => {
  it("createAsync awaits async factories, in dependency order, before building what injects them", async () => {
    const events: string[] = [];
    const CACHE = new Token<{ pool: Pool }>("CACHE");
    @injectable()
    class HeroStore {
      readonly pool = inject(POOL);
      constructor() {
        events.push(`HeroStore built (pool connected: ${this.pool.connected})`);
      }
    }
    @controller("/db")
    class DbController {
      readonly store = inject(HeroStore);
      readonly cache = inject(CACHE);
      @get("/")
      show(_ctx: Ctx) {
        return { url: this.store.pool.url, sharedPool: this.cache.pool === this.store.pool };
      }
    }
    @module({
      controllers: [DbController],
      // Listed before what they need: the order of construction follows dependencies, not the list.
      providers: [
        HeroStore,
        {
          provide: CACHE,
          useFactory: async () => {
            const pool = inject(POOL);
            await tick();
            events.push("cache ready");
            return { pool };
          },
        },
        {
          provide: POOL,
          useFactory: async () => {
            const url = inject(DB_URL);
            events.push("pool connecting");
            await tick();
            events.push("pool connected");
            return { url, connected: true };
          },
        },
        { provide: DB_URL, useValue: "postgres://db.test/hq" },
      ],
    })
    class DbModule {}
    const app = await LaurenFactory.createAsync(DbModule, { logger: false });
    assert.deepEqual(events, ["pool connecting", "pool connected", "HeroStore built (pool connected: true)", "cache ready"]);
    const res = await new TestClient(app).get("/db/");
    assert.deepEqual(res.json(), { url: "postgres://db.test/hq", sharedPool: true });
  });

  it("a rejected factory is a start-up error naming the provider and its module", async () => {
    @module({
      providers: [
        {
          provide: POOL,
          useFactory: async (): Promise<Pool> => {
            await tick();
            throw new Error("connection refused");
          },
        },
      ],
    })
    class DbModule {}
    await rejectsStartup(
      LaurenFactory.createAsync(DbModule, { logger: false }),
      ProviderFactoryError,
      /POOL \(provided by DbModule\) failed to start: Error: connection refused/,
    );
  });

  it("sync create() refuses an async provider and points to createAsync()", () => {
    @module({ providers: [{ provide: POOL, useFactory: async () => ({ url: "x", connected: true }) }] })
    class DbModule {}
    throwsStartup(
      () => LaurenFactory.create(DbModule, { logger: false }),
      AsyncProviderError,
      /POOL \(provided by DbModule\) is created asynchronously/,
      /await LaurenFactory\.createAsync\(RootModule, options\)/,
    );
  });

  it("createAsync builds apps without async providers exactly like create()", async () => {
    @controller("/ping")
    class Ping {
      @get("/")
      ping() {
        return { pong: true };
      }
    }
    @module({ controllers: [Ping] })
    class M {}
    const res = await new TestClient(await LaurenFactory.createAsync(M, { logger: false })).get("/ping/");
    assert.deepEqual(res.json(), { pong: true });
  });

  it("an async factory for a request-scoped provider is refused at start-up, naming it", async () => {
    @controller("/r")
    class R {
      @get("/")
      read(ctx: Ctx) {
        return ctx.resolve(POOL);
      }
    }
    @module({
      controllers: [R],
      providers: [{ provide: POOL, scope: Scope.REQUEST, useFactory: async () => ({ url: "x", connected: true }) }],
    })
    class M {}
    await rejectsStartup(
      LaurenFactory.createAsync(M, { logger: false }),
      AsyncProviderError,
      /POOL \(provided by M\) is request-scoped but its factory returned a promise/,
      /make it a singleton/,
    );
    throwsStartup(() => LaurenFactory.create(M, { logger: false }), AsyncProviderError, /POOL \(provided by M\) is request-scoped/);
  });
});
