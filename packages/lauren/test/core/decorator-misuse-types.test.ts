/**
 * Misused decorators must fail to compile with an error that names the fix: a factory used
 * bare (`@injectable`) or a plain decorator called (`@postConstruct()`). The check compiles a
 * small file against the built package with the TypeScript compiler API and reads the messages.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { repoRoot } from "../sessions/helpers.js";

const SOURCE = `import { controller, del, get, injectable, module, postConstruct, preDestruct, useGuards } from "lauren";

@injectable
class A {
  @postConstruct()
  start() {}
  @preDestruct()
  stop() {}
}

@controller
class B {
  @get
  x() { return 1; }
  @del
  y() { return 1; }
  @useGuards
  @get("/z")
  z() { return 1; }
}

@module
class M {}

@injectable()
class FineService {
  @postConstruct
  start() {}
}

@controller("/fine")
class FineController {
  @get("/")
  x() { return 1; }
}

@module({ controllers: [FineController], providers: [FineService] })
class FineModule {}

export { A, B, M, FineModule };
`;

function diagnostics(): { line: number; text: string }[] {
  // A file inside the repository, so "lauren" resolves to the workspace package's built types.
  const file = path.join(repoRoot(), "packages/lauren/test/core/__misuse__.ts");
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, SOURCE, version) : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    line: d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    text: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}

test("each misused decorator gets one compiler error that says how to write it; correct use compiles", () => {
  const found = diagnostics();
  const expected: [number, string][] = [
    [3, "@injectable needs parentheses: write @injectable()"],
    [5, "@postConstruct takes no parentheses: write @postConstruct"],
    [7, "@preDestruct takes no parentheses: write @preDestruct"],
    [11, '@controller needs parentheses: write @controller(\\"/prefix\\")'],
    [13, '@get needs parentheses: write @get(\\"/path\\")'],
    [15, '@del needs parentheses: write @del(\\"/path\\")'],
    [17, "@useGuards needs the guards: write @useGuards(MyGuard)"],
    [22, "@module needs its options: write @module({ controllers, providers })"],
  ];
  for (const [line, fix] of expected) {
    const here = found.filter((d) => d.line === line);
    assert.equal(here.length, 1, `one error on line ${line}: ${JSON.stringify(here)}`);
    assert.ok(here[0]?.text.includes(fix), `line ${line} says "${fix}": ${here[0]?.text}`);
  }
  assert.deepEqual(
    found.filter((d) => !expected.some(([line]) => line === d.line)),
    [],
    "nothing else is reported, the correct uses included",
  );
});
