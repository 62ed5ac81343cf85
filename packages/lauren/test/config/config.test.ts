import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { z } from "zod";
import {
  ConfigModule,
  ConfigValidationError,
  controller,
  get,
  inject,
  injectable,
  LaurenFactory,
  loadConfig,
  module,
  StartupError,
  Token,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";

const AppEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  DATABASE_URL: z.url(),
  API_KEY: z.string().min(16),
  DEBUG: z.enum(["0", "1"]).default("0"),
});
type AppConfig = z.infer<typeof AppEnv>;
const APP_CONFIG = new Token<AppConfig>("APP_CONFIG");

const GOOD = { DATABASE_URL: "postgres://db.test/hq", API_KEY: "0123456789abcdef" };

describe("loadConfig", () => {
  it("returns the typed, parsed result and ignores variables the schema does not name", () => {
    const config = loadConfig(AppEnv, { env: { ...GOOD, PORT: "3000", PATH: "/usr/bin" } });
    assert.deepEqual(config, { PORT: 3000, DATABASE_URL: "postgres://db.test/hq", API_KEY: "0123456789abcdef", DEBUG: "0" });
  });

  it("names every bad or missing variable in one error, without echoing values", () => {
    assert.throws(
      () => loadConfig(AppEnv, { env: { PORT: "abc", API_KEY: "short-secret" } }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigValidationError);
        assert.ok(err instanceof StartupError);
        assert.match(err.message, /3 environment variables need fixing \(PORT, DATABASE_URL, API_KEY\)/);
        assert.match(err.message, /PORT is invalid: /);
        assert.match(err.message, /DATABASE_URL is not set: /);
        assert.match(err.message, /API_KEY is invalid: /);
        assert.doesNotMatch(err.message, /short-secret|abc/);
        assert.deepEqual(
          err.issues.map((i) => i.variable),
          ["PORT", "DATABASE_URL", "API_KEY"],
        );
        return true;
      },
    );
  });

  describe("with a .env file", () => {
    const dir = mkdtempSync(join(tmpdir(), "lauren-config-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, ".env");
    writeFileSync(file, `# local settings\nDATABASE_URL=postgres://from-file.test/hq\nAPI_KEY="from-file-0123456789"\nPORT=4000\n`);

    it("reads the file, and the environment wins over it", () => {
      const config = loadConfig(AppEnv, { env: { PORT: "5000" }, envFile: file });
      assert.equal(config.DATABASE_URL, "postgres://from-file.test/hq");
      assert.equal(config.API_KEY, "from-file-0123456789");
      assert.equal(config.PORT, 5000);
    });

    it("treats a missing file as empty", () => {
      assert.equal(loadConfig(AppEnv, { env: GOOD, envFile: join(dir, "absent.env") }).PORT, 8000);
    });
  });

  it("refuses a schema that only validates asynchronously, pointing to createAsync", () => {
    const Async = z.object({ A: z.string().refine(async () => true) });
    assert.throws(() => loadConfig(Async, { env: { A: "x" } }), /createAsync/);
  });
});

describe("ConfigModule", () => {
  @injectable()
  class Database {
    readonly config = inject(APP_CONFIG);
  }
  @controller("/settings")
  class SettingsController {
    readonly config = inject(APP_CONFIG);
    @get("/")
    show() {
      return { port: this.config.PORT, debug: this.config.DEBUG };
    }
  }
  @module({ controllers: [SettingsController], providers: [Database] })
  class FeatureModule {}

  const rootWith = (env: Record<string, string>) => {
    @module({ imports: [ConfigModule.forRoot({ token: APP_CONFIG, schema: AppEnv, env }), FeatureModule] })
    class Root {}
    return Root;
  };

  it("injects the typed configuration into every module (it is global)", async () => {
    const app = LaurenFactory.create(rootWith({ ...GOOD, PORT: "9000", DEBUG: "1" }), { logger: false });
    assert.equal(app.get(Database).config.DATABASE_URL, "postgres://db.test/hq");
    assert.deepEqual((await new TestClient(app).get("/settings/")).json(), { port: 9000, debug: "1" });
  });

  it("fails LaurenFactory.create() with the one error naming the variables", () => {
    assert.throws(
      () => LaurenFactory.create(rootWith({ PORT: "abc" }), { logger: false }),
      (err: unknown) => err instanceof ConfigValidationError && /PORT, DATABASE_URL, API_KEY/.test(err.message),
    );
  });

  it("with an async schema becomes an async provider: createAsync() waits, and reports the same error", async () => {
    const Checked = z.object({ TOKEN: z.string().refine(async (v) => v.startsWith("tok_"), "must start with tok_") });
    const TOKEN = new Token<z.infer<typeof Checked>>("TOKEN");
    const build = (env: Record<string, string>) => {
      @module({ imports: [ConfigModule.forRoot({ token: TOKEN, schema: Checked, env })] })
      class Root {}
      return LaurenFactory.createAsync(Root, { logger: false });
    };
    assert.equal((await build({ TOKEN: "tok_1" })).get(TOKEN).TOKEN, "tok_1");
    await assert.rejects(
      build({ TOKEN: "nope" }),
      (err: unknown) => err instanceof ConfigValidationError && /TOKEN is invalid: must start with tok_/.test(err.message),
    );
  });
});
