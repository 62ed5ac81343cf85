/** Hero HQ's entry point: builds the app with the factory and serves it. */
import { pathToFileURL } from "node:url";
import { installSignalHandlers, LaurenFactory, type LaurenOptions, SignedCookieSessionStore } from "lauren";
import { HeroHQModule } from "./teams.js";

// --8<-- [start:code]
// A development default; production reads SESSION_SECRET from the environment.
const DEV_SECRET = "change-me-hero-hq-secret-please-32-bytes";

export function buildApp(overrides: LaurenOptions = {}) {
  return LaurenFactory.create(HeroHQModule, {
    sessions: {
      secret: process.env.SESSION_SECRET ?? DEV_SECRET,
      secure: false, // local development is plain HTTP; keep the default (true) in production
      ...(process.env.HERO_HQ_SESSION_STORE === "cookie" ? { store: new SignedCookieSessionStore() } : {}),
    },
    docsUrl: "/docs",
    openapiUrl: "/openapi.json",
    ...overrides,
  });
}
// --8<-- [end:code]

async function main(): Promise<void> {
  const app = buildApp();
  // SIGTERM/SIGINT: stop taking connections, drain in-flight work, run @preDestruct, exit 0.
  installSignalHandlers(app);
  await app.listen({ port: Number(process.env.PORT ?? 8000), host: process.env.HOST ?? "127.0.0.1" });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
