/**
 * Hero HQ's document in the tools people point at it, all from devDependencies and offline:
 * Redocly CLI's `recommended` ruleset (only the trailing-slash rule off: the tutorial's paths
 * end in `/` on purpose) finds nothing to report, and a client generated from it with
 * openapi-typescript + openapi-fetch type-checks under tsc and talks to a running Hero HQ.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { openApiDocument } from "lauren";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { buildApp } from "../src/main.js";

const require = createRequire(import.meta.url);
const document = openApiDocument(buildApp({ logger: false }));
const work = mkdtempSync(join(tmpdir(), "hero-hq-openapi-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs Redocly CLI with telemetry and the update check off, so it makes no network call. */
function redocly(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const cli = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: work, env, encoding: "utf8", timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("Hero HQ's document in real OpenAPI tools", () => {
  test("Redocly CLI's recommended ruleset reports no error and no warning", () => {
    writeFileSync(join(work, "openapi.json"), JSON.stringify(document, null, 2));
    writeFileSync(
      join(work, "redocly.yaml"),
      ["telemetry: off", "extends:", "  - recommended", "rules:", "  no-path-trailing-slash: off", ""].join("\n"),
    );
    const run = redocly("lint", "--config", "redocly.yaml", "--format", "json", "openapi.json");
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf("{"))) as {
      totals: { errors: number; warnings: number; ignored: number };
      problems: { ruleId: string; message: string }[];
    };
    const problems = report.problems.map((p) => `${p.ruleId}: ${p.message}`);
    assert.deepEqual(problems, [], run.stderr);
    assert.deepEqual(report.totals, { errors: 0, warnings: 0, ignored: 0 });
    assert.equal(run.status, 0);
  });

  test("the same ruleset does catch a document without summaries (the check is live)", () => {
    const bare = structuredClone(document);
    delete bare.paths["/heroes/"]?.get?.summary;
    writeFileSync(join(work, "bare.json"), JSON.stringify(bare));
    const run = redocly("lint", "--config", "redocly.yaml", "--format", "json", "bare.json");
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf("{"))) as { problems: { ruleId: string }[] };
    assert.deepEqual(
      report.problems.map((p) => p.ruleId),
      ["operation-summary"],
    );
    assert.notEqual(run.status, 0);
  });

  test("an openapi-typescript + openapi-fetch client type-checks and lists, recruits, misses and is refused", async (t) => {
    // A throwaway project next to the repository's node_modules, so tsc and node resolve openapi-fetch.
    const project = join(work, "client");
    mkdirSync(project);
    symlinkSync(dirname(dirname(require.resolve("openapi-fetch/package.json"))), join(project, "node_modules"), "dir");
    writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(project, "schema.d.ts"), astToString(await openapiTS(structuredClone(document) as never)));
    const source = `import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type HeroOut = components["schemas"]["HeroOut"];

export async function run(baseUrl: string) {
  const hq = createClient<paths>({ baseUrl });
  const recruited = await hq.POST("/heroes/", {
    body: { name: "Volt", power: "lightning", wattage: 9001 },
    headers: { "x-hq-badge": "hq-badge-007" },
  });
  const volt: HeroOut | undefined = recruited.data;
  const roster = await hq.GET("/heroes/");
  const names: string[] = (roster.data ?? []).map((hero) => hero.name);
  const missing = await hq.GET("/heroes/{id}", { params: { path: { id: 999 } } });
  const refused = await hq.POST("/heroes/", {
    // @ts-expect-error wattage is a number: the generated types refuse a string
    body: { name: "Bolt", power: "static", wattage: "lots" },
    headers: { "x-hq-badge": "hq-badge-007" },
  });
  // Never called: only the type checker sees it.
  const unknownPath = () =>
    // @ts-expect-error no such path in the document
    hq.GET("/villains/");
  void unknownPath;
  return {
    recruited: { status: recruited.response.status, hero: volt },
    roster: { status: roster.response.status, names },
    missing: { status: missing.response.status, code: missing.error?.error.code, detail: missing.error?.error.detail },
    refused: { status: refused.response.status, code: refused.error?.error.code },
  };
}
`;
    writeFileSync(join(project, "client.ts"), source);

    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      types: [],
      skipLibCheck: true,
    };
    const program = ts.createProgram([join(project, "client.ts")], options);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(diagnostics, [], "the client type-checks (and both @ts-expect-error lines are needed)");

    const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    writeFileSync(join(project, "client.js"), js);
    const app = buildApp({ logger: false });
    const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
    t.after(() => app.shutdown());
    const client = (await import(pathToFileURL(join(project, "client.js")).href)) as {
      run(baseUrl: string): Promise<Record<string, Record<string, unknown>>>;
    };
    const result = await client.run(url);
    assert.deepEqual(result.recruited, { status: 201, hero: { id: 1, name: "Volt", power: "lightning", wattage: 9001 } });
    assert.deepEqual(result.roster, { status: 200, names: ["Volt"] });
    assert.deepEqual(result.missing, { status: 404, code: "hero_not_found", detail: { id: 999 } });
    assert.deepEqual(result.refused, { status: 422, code: "extractor_error" });
  });
});
