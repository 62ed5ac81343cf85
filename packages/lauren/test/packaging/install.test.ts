/**
 * The package as a user gets it: `npm pack` (whose prepack builds), installed into an empty
 * project outside the repository with only typescript, zod and @types/node beside it, then a
 * small app compiled with `strict` and run, and lauren's declaration files checked as
 * `skipLibCheck: false` checks them. The same tarball then
 * feeds the starter (create-lauren) end to end: scaffold, install, build, test, start, request.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot } from "../sessions/helpers.js";
import { cleanEnv, packLauren, pinned, run } from "./support.js";

let work: string;
let packed: { tarball: string; files: string[] };

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "lauren-pack-"));
  packed = await packLauren(work);
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

// The install checks are independent and mostly wait on npm and tsc: run them side by side.
describe("the packed lauren", { concurrency: true }, () => {
  test("the tarball holds the compiled code, its types and the README, and no tests", () => {
    for (const file of [
      "package.json",
      "README.md",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/testing/index.js",
      "dist/src/testing/index.d.ts",
    ]) {
      assert.ok(packed.files.includes(file), `${file} is packed`);
    }
    assert.deepEqual(
      packed.files.filter((f) => f.startsWith("dist/test") || f.startsWith("test/") || f.endsWith(".tsbuildinfo")),
      [],
    );
  });

  const APP = `import { type Ctx, controller, get, inject, injectable, LaurenFactory, module, post } from "lauren";
import { TestClient } from "lauren/testing";
import { z } from "zod";

const Greeting = z.object({ name: z.string().min(1) });

@injectable()
class Greeter {
  greet(name: string): string {
    return \`hello, \${name}\`;
  }
}

@controller("/")
class HelloController {
  private readonly greeter = inject(Greeter);

  @get("/")
  hello() {
    return { hello: "world" };
  }

  @post("/greet", { body: Greeting })
  greet({ body }: Ctx<{ body: typeof Greeting }>) {
    return { message: this.greeter.greet(body.name) };
  }
}

@module({ controllers: [HelloController], providers: [Greeter] })
class AppModule {}

const app = LaurenFactory.create(AppModule, { logger: false });
const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
const send = (body: string) => fetch(\`\${url}/greet\`, { method: "POST", headers: { "content-type": "application/json" }, body });
const ok = await send(JSON.stringify({ name: "Ada" }));
const invalid = await send("{}");
const root = await fetch(url);
let testClient = "";
try {
  await new TestClient(LaurenFactory.create(AppModule, { logger: false })).get("/");
} catch (err) {
  testClient = String(err);
}
console.log(JSON.stringify({ status: ok.status, body: await ok.json(), invalid: invalid.status, root: await root.json(), testClient }));
await app.close();
`;

  const TSCONFIG = {
    compilerOptions: {
      target: "es2022",
      module: "nodenext",
      strict: true,
      skipLibCheck: true,
      rootDir: "src",
      outDir: "dist",
      types: ["node"],
    },
    include: ["src"],
  };

  /**
   * Lauren's own declaration files, checked as a project with `skipLibCheck: false` would
   * check them (a type from a missing package, an error in a .d.ts). Only lauren's files are
   * checked: doing all of @types/node and zod too, as tsc would, costs seconds and is not
   * lauren's to fix. Prints the errors, one a line.
   */
  const CHECK_DECLARATIONS = `import path from "node:path";
import ts from "typescript";
const root = path.resolve("node_modules/lauren");
const program = ts.createProgram(
  ["dist/src/index.d.ts", "dist/src/testing/index.d.ts"].map((file) => path.join(root, file)),
  { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true, skipLibCheck: false, noEmit: true, types: ["node"] },
);
const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
let checked = 0;
for (const file of program.getSourceFiles()) {
  if (!file.fileName.startsWith(root + path.sep)) continue;
  checked++;
  diagnostics.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file));
}
console.log(JSON.stringify({ checked, errors: diagnostics.map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\\n" })) }));
`;

  test("the packed lauren installs into an empty project, its declarations type-check with skipLibCheck off, and it serves", async () => {
    const project = path.join(work, "app");
    await mkdir(path.join(project, "src"), { recursive: true });
    await writeFile(
      path.join(project, "package.json"),
      JSON.stringify({ name: "pack-check", private: true, type: "module", allowScripts: { "@scarf/scarf": false } }),
    );
    const install = await run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        packed.tarball,
        pinned("typescript"),
        pinned("zod"),
        pinned("@types/node"),
      ],
      project,
    );
    const npmOutput = install.stdout + install.stderr;
    assert.doesNotMatch(npmOutput, /EBADENGINE/, "no dependency of lauren asks for a newer Node");
    assert.doesNotMatch(npmOutput, /install-scripts/, "no install script left unreviewed");

    await writeFile(path.join(project, "tsconfig.json"), JSON.stringify(TSCONFIG));
    await writeFile(path.join(project, "src/main.ts"), APP);
    await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], project);
    const declarations = JSON.parse((await run(process.execPath, ["--input-type=module", "-e", CHECK_DECLARATIONS], project)).stdout) as {
      checked: number;
      errors: string[];
    };
    assert.ok(declarations.checked > 50, `lauren's declaration files were found (${declarations.checked})`);
    assert.deepEqual(declarations.errors, []);

    const { stdout } = await run(process.execPath, ["dist/main.js"], project);
    const seen = JSON.parse(stdout.trim()) as { status: number; body: unknown; invalid: number; root: unknown; testClient: string };
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body, { message: "hello, Ada" });
    assert.equal(seen.invalid, 422, "the body schema is enforced");
    assert.deepEqual(seen.root, { hello: "world" });
    assert.match(seen.testClient, /TestClient needs the light-my-request package.*npm install --save-dev light-my-request/);
  });

  const CREATE_LAUREN = path.join(repoRoot(), "packages/create-lauren/bin/create-lauren.mjs");

  /** Runs `npm start` in its own process group (npm does not pass signals on to the server). */
  async function npmStart(project: string): Promise<{ url: string; stop: () => Promise<void> }> {
    const child = spawn("npm", ["start"], { cwd: project, env: cleanEnv({ PORT: "0", HOST: "127.0.0.1" }), detached: true });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      await exited;
    };
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`npm start: no "listening on" within 60 s:\n${out}`)), 60_000);
        const onData = (chunk: Buffer): void => {
          out += chunk.toString();
          const found = /listening on (http:\/\/\S+)/.exec(out)?.[1];
          if (found !== undefined) {
            clearTimeout(timer);
            resolve(found);
          }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${out}`)));
      });
      return { url, stop };
    } catch (err) {
      await stop();
      throw err;
    }
  }

  test("create-lauren --lauren <tarball> writes a project that installs, builds, tests green and serves GET /", async () => {
    const project = path.join(work, "my-app");
    await run(process.execPath, [CREATE_LAUREN, project, "--lauren", packed.tarball], work);
    const manifest = JSON.parse(await readFile(path.join(project, "package.json"), "utf8")) as {
      type: string;
      dependencies: Record<string, string>;
    };
    assert.equal(manifest.type, "module");
    assert.match(manifest.dependencies.lauren ?? "", /^file:\.\/vendor\/lauren-.*\.tgz$/);
    assert.match(await readFile(path.join(project, ".env"), "utf8"), /^SESSION_SECRET=[A-Za-z0-9_-]{43}$/m);
    assert.match(await readFile(path.join(project, ".gitignore"), "utf8"), /^\.env$/m);

    const install = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], project);
    assert.doesNotMatch(install.stdout + install.stderr, /EBADENGINE|install-scripts/, "a clean install");
    await run("npm", ["run", "build"], project);
    const tested = await run("npm", ["test"], project);
    // Node 20 prints TAP when piped, Node 24 the spec reporter: accept either summary line.
    assert.match(tested.stdout, /(?:# |ℹ )pass 2\b/);
    assert.match(tested.stdout, /(?:# |ℹ )fail 0\b/);

    const server = await npmStart(project);
    try {
      const res = await fetch(`${server.url}/`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      assert.deepEqual(await res.json(), { app: "my-app", message: "Lauren is running", lastGreeted: null });
    } finally {
      await server.stop();
    }
  });
});
