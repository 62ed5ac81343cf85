#!/usr/bin/env node
// create-lauren: writes a new Lauren project. Plain JavaScript so that it runs straight from a
// clone or from `npm create lauren`, with no build step.
//
//   create-lauren <directory> [--lauren <tarball or folder>]
//
// --lauren installs Lauren from a local pack (a .tgz from `npm pack`, or the packages/lauren
// folder of a clone, which is packed here) instead of from the registry.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const templateDir = path.join(here, "..", "template");
const ownVersion = JSON.parse(readFileSync(path.join(here, "..", "package.json"), "utf8")).version;

const USAGE = "usage: create-lauren <directory> [--lauren <tarball or folder>]";

function fail(message) {
  console.error(`create-lauren: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  let target;
  let lauren;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === "--lauren") {
      lauren = argv[++i];
      if (lauren === undefined) fail(`--lauren needs a tarball or a folder\n${USAGE}`);
    } else if (arg.startsWith("--lauren=")) {
      lauren = arg.slice("--lauren=".length);
    } else if (arg.startsWith("-")) {
      fail(`unknown option ${arg}\n${USAGE}`);
    } else if (target === undefined) {
      target = arg;
    } else {
      fail(`one directory only\n${USAGE}`);
    }
  }
  if (target === undefined) fail(USAGE);
  return { target: path.resolve(target), lauren };
}

/** npm package names: lower case, URL-safe, no leading dot or underscore. */
function packageName(dir) {
  const name = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-")
    .replace(/^[._-]+/, "");
  return name === "" ? "lauren-app" : name;
}

/** Puts the Lauren tarball into vendor/ and returns the dependency spec pointing at it. */
function vendorLauren(source, project) {
  const from = path.resolve(source);
  if (!existsSync(from)) fail(`--lauren ${source}: no such file or folder`);
  const vendor = path.join(project, "vendor");
  mkdirSync(vendor, { recursive: true });
  let tarball;
  if (statSync(from).isDirectory()) {
    // A folder is packed as npm would publish it (its prepack builds), so the project gets
    // exactly what a registry install would give it.
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", vendor], {
      cwd: from,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const report = JSON.parse(out.slice(out.indexOf("[")));
    tarball = path.join(vendor, report[0].filename);
  } else {
    tarball = path.join(vendor, path.basename(from));
    copyFileSync(from, tarball);
  }
  return `file:./vendor/${path.basename(tarball)}`;
}

function copyTemplate(from, to, replacements) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    // npm drops .gitignore files from packages, so the template keeps it without the dot.
    const dest = path.join(to, entry.name === "gitignore" ? ".gitignore" : entry.name);
    if (entry.isDirectory()) {
      mkdirSync(dest, { recursive: true });
      copyTemplate(source, dest, replacements);
    } else {
      let text = readFileSync(source, "utf8");
      for (const [key, value] of Object.entries(replacements)) text = text.replaceAll(key, value);
      writeFileSync(dest, text);
    }
  }
}

function main() {
  const { target, lauren } = parseArgs(process.argv.slice(2));
  if (existsSync(target) && readdirSync(target).length > 0) fail(`${target} exists and is not empty`);
  mkdirSync(target, { recursive: true });
  const name = packageName(target);

  copyTemplate(templateDir, target, { __APP_NAME__: name });
  const laurenSpec = lauren === undefined ? `^${ownVersion}` : vendorLauren(lauren, target);

  const manifest = {
    name,
    version: "0.1.0",
    private: true,
    // Lauren is ESM only; "commonjs" (npm init's default) would break every import.
    type: "module",
    engines: { node: ">=20.19" },
    scripts: {
      dev: "node scripts/dev.mjs",
      // Build mode: when nothing changed since the last build, tsc -b checks its build info
      // and stops, so `npm test` right after `npm run build` does not compile twice.
      build: "tsc -b",
      start: "node dist/src/main.js",
      test: "tsc -b && node --test dist/test/*.test.js",
    },
    dependencies: { lauren: laurenSpec, zod: "^4.1.0" },
    devDependencies: {
      "@types/node": "^20.19.0",
      // TestClient's engine; 6.6 is the last line that installs on Node 20 without warnings.
      "light-my-request": "~6.6.0",
      typescript: "^5.9.0",
    },
    // swagger-ui-dist (the docs UI) pulls in @scarf/scarf, whose install script only reports
    // download statistics: recorded as refused for npm 11, and switched off for older npm.
    allowScripts: { "@scarf/scarf": false },
    scarfSettings: { enabled: false },
  };
  writeFileSync(path.join(target, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  const secret = randomBytes(32).toString("base64url");
  writeFileSync(
    path.join(target, ".env"),
    `# Development only; ignored by git. Production sets SESSION_SECRET in its environment.\nSESSION_SECRET=${secret}\n`,
    {
      mode: 0o600,
    },
  );

  const shown = path.relative(process.cwd(), target) || ".";
  console.log(
    `Created ${name} in ${target}.\n\nNext:\n  cd ${shown}\n  npm install\n  npm run dev      # http://127.0.0.1:3000, restarts on change\n  npm test`,
  );
}

main();
