/**
 * Helpers for the packaging tests: run a command with a clean npm environment, pack `lauren`
 * once, and pin the tools a temporary project installs to the versions this repository already
 * has, so npm finds them in its cache instead of resolving anew.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../sessions/helpers.js";

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * `npm test` exports npm_* variables (the repository as local prefix, the lifecycle event...);
 * a child npm working on another project must not inherit them.
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // NODE_TEST_CONTEXT would make a nested `node --test` report to this runner, not print.
    if (!key.toLowerCase().startsWith("npm_") && key !== "INIT_CWD" && key !== "NODE_TEST_CONTEXT") env[key] = value;
  }
  // npm, and the scripts it runs, use the node that runs these tests (CI runs them on Node 24 too).
  env.PATH = [path.dirname(process.execPath), env.PATH ?? ""].join(path.delimiter);
  return { ...env, ...extra };
}

export function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: cleanEnv(extraEnv), maxBuffer: 64 * 1024 * 1024, timeout: 240_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${err.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** `name@version` as installed in this repository (typescript, zod, @types/node...). */
export function pinned(name: string): string {
  const manifest = path.join(repoRoot(), "node_modules", name, "package.json");
  return `${name}@${(JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version}`;
}

export interface PackedFile {
  path: string;
}

/** Packs packages/lauren (its prepack builds) into `dest`; returns the tarball's path and file list. */
export async function packLauren(dest: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dest], path.join(repoRoot(), "packages/lauren"));
  // Lifecycle scripts may print before the JSON; the report is the last top-level array.
  const report = JSON.parse(stdout.slice(stdout.lastIndexOf("\n[") + 1)) as { filename: string; files: PackedFile[] }[];
  const entry = report[0];
  if (entry === undefined) throw new Error(`npm pack reported nothing:\n${stdout}`);
  return { tarball: path.join(dest, entry.filename), files: entry.files.map((f) => f.path) };
}
