import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { installSignalHandlers } from "lauren";
import { buildApp } from "./app.js";

// .env (written by the starter, ignored by git) holds SESSION_SECRET for development. Variables
// already set in the environment win, so production sets them there and ships no .env.
const envFile = fileURLToPath(new URL("../../.env", import.meta.url));
if (existsSync(envFile)) process.loadEnvFile(envFile);

const sessionSecret = process.env.SESSION_SECRET;
if (sessionSecret === undefined || sessionSecret === "") {
  console.error("SESSION_SECRET is not set: put it in .env or in the environment (32 random bytes, e.g. `openssl rand -base64 32`).");
  process.exit(1);
}

const app = buildApp({ sessionSecret, secureCookies: process.env.NODE_ENV === "production" });
// SIGTERM/SIGINT: stop taking connections, finish in-flight requests, then exit.
installSignalHandlers(app);
await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? "127.0.0.1" });
