/** Hero HQ's entry point: builds the app with the factory and serves it. */
import { existsSync, realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  EncryptedCookieSessionStore,
  installSignalHandlers,
  LaurenFactory,
  type LaurenOptions,
  SignedCookieSessionStore,
  StartupError,
} from "lauren";
import { DEV_SECRET, type HeroConfig, readConfig } from "./config.js";
import { DOCUMENT_HEADERS, pipelineOptions } from "./pipeline.js";
import { HeroRepository } from "./roster.js";
import { loadScaleOut, sharedState } from "./scale-out.js";
import { HeroHQModule } from "./teams.js";
import { runWorkers } from "./workers.js";

// --8<-- [start:code]
/** What /openapi.json and /docs say about HQ: its name, where it runs, how callers prove who they are. */
const API_DOCS = {
  openapiInfo: {
    title: "Hero HQ",
    version: "0.1.0",
    description: "Recruit heroes, look them up, log in as one and follow missions live.",
    license: { name: "MIT", identifier: "MIT" },
  },
  openapiServers: [{ url: "/", description: "The HQ serving this document" }],
  openapiTags: [{ name: "heroes", description: "The roster: list, look up and recruit heroes." }],
  openapiSecuritySchemes: {
    // BadgeGuard enforces it (its static security names it).
    badge: { type: "apiKey", in: "header", name: "X-HQ-Badge", description: "An HQ badge, checked by BadgeGuard." },
    // The /me/ routes name it: the cookie that logging in sets.
    session: { type: "apiKey", in: "cookie", name: "lauren_session", description: "The session cookie POST /me/login sets." },
  },
} satisfies LaurenOptions;

/** Where sessions live: HQ's memory by default, or the cookie itself (signed, or encrypted). */
const SESSION_STORES = {
  memory: () => ({}),
  cookie: () => ({ store: new SignedCookieSessionStore() }),
  encrypted: () => ({ store: new EncryptedCookieSessionStore() }),
};

/** The landing page's folder: next to src/ when run from sources, two levels up from dist/src/. */
const PUBLIC_DIR = [new URL("../public", import.meta.url), new URL("../../public", import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find(existsSync);

export function buildApp(overrides: LaurenOptions = {}, config: HeroConfig = readConfig()) {
  const shared = sharedState(config); // REDIS_URL: sessions, revocation and comms in Redis
  const app = LaurenFactory.create(HeroHQModule, {
    sessions: {
      secret: config.SESSION_SECRET, // config.ts falls back to a development secret in development only
      secure: false, // local development is plain HTTP; keep the default (true) in production
      ...SESSION_STORES[config.HERO_HQ_SESSION_STORE](),
      ...shared?.sessions,
      // The pages CORS lets in may also send the session cookie on unsafe requests.
      crossOrigin: { trustedOrigins: config.HERO_HQ_CORS_ORIGINS },
    },
    docsUrl: "/docs",
    openapiUrl: "/openapi.json",
    // In development each body is checked against its response schema, so a misfit names its field.
    validateResponses: config.NODE_ENV === "development",
    // GET / is the landing page; routes always win over files.
    ...(PUBLIC_DIR === undefined ? {} : { staticFiles: { directory: PUBLIC_DIR, headers: DOCUMENT_HEADERS } }),
    ...API_DOCS,
    ...shared?.app,
    ...pipelineOptions(config),
    ...overrides,
  });
  if (shared !== null) app.onShutdown(() => shared.close());
  return app;
}
// --8<-- [end:code]

async function main(): Promise<void> {
  const config = readConfig(); // PORT=abc stops here, with one error naming PORT
  // HERO_HQ_WORKERS=N: N processes share the port; each one runs serve().
  await runWorkers(config.HERO_HQ_WORKERS, () => serve(config));
}

async function serve(config: HeroConfig): Promise<void> {
  await loadScaleOut(config); // the Redis client, only when REDIS_URL is set
  const app = buildApp({}, config);
  if (config.SESSION_SECRET === DEV_SECRET) {
    console.warn("hero-hq: SESSION_SECRET is not set; signing sessions with the public development secret (development only)");
  }
  // Demo data for benchmarks and demos: HERO_HQ_SEED=1 puts Volt on the roster as hero 1,
  // the state every server in the shared benchmark contract starts in.
  if (config.HERO_HQ_SEED) {
    app.get(HeroRepository).recruit({ name: "Volt", power: "lightning", wattage: 9001 });
  }
  // SIGTERM/SIGINT: stop taking connections, drain in-flight work, run @preDestruct, exit 0.
  installSignalHandlers(app);
  await app.listen({ port: config.PORT, host: config.HOST });
}

/** True when node was started with this file, also through a symlink (a `current` release link). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    // import.meta.url names the real file; argv[1] is the path as typed.
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((err: unknown) => {
    // A wiring or configuration mistake: its message names the culprit; the stack adds nothing.
    console.error(err instanceof StartupError ? `${err.name}: ${err.message}` : err);
    process.exit(1);
  });
}
