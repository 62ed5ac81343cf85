/**
 * Hero HQ's settings: every environment variable it reads, checked once by a schema when
 * the process starts. A bad value stops start-up with one error naming each culprit.
 */
import { type EnvVars, loadConfig } from "lauren";
import { z } from "zod";

// --8<-- [start:code]
/**
 * A development default for signing session cookies; used only when NODE_ENV is unset or
 * "development". It is public, so anyone could sign cookies with it.
 */
export const DEV_SECRET = "hero-hq-development-only-secret-2f9c81d4e7";

const Port = z
  .string()
  .regex(/^\d+$/, "must be a port number (0 to 65535)")
  .transform(Number)
  .pipe(z.number().max(65535, "must be a port number (0 to 65535)"));

export const HeroEnv = z
  .object({
    PORT: Port.default(8000),
    HOST: z.string().min(1).default("127.0.0.1"),
    NODE_ENV: z.string().default("development"),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    HERO_HQ_SESSION_STORE: z.enum(["memory", "cookie", "encrypted"]).default("memory"),
    HERO_HQ_SEED: z.enum(["0", "1"]).default("0"),
    // Several workers or machines: sessions, revocation and broadcasts shared through Redis.
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, "must be a redis:// or rediss:// (TLS) URL")
      .optional(),
    HERO_HQ_WORKERS: z
      .string()
      .regex(/^[1-9]\d*$/, "must be a whole number of worker processes (1 or more)")
      .transform(Number)
      .default(1),
    // Pages allowed to call HQ from other origins, comma-separated; unset keeps CORS off.
    HERO_HQ_CORS_ORIGINS: z
      .string()
      .default("")
      .transform((list) =>
        list
          .split(",")
          .map((o) => o.trim())
          .filter((o) => o !== ""),
      )
      .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s,]+$/, "must list origins such as https://hq.example, comma-separated"))),
    // "api": nosniff on every answer, the document headers on the landing page; "all": every header everywhere.
    HERO_HQ_SECURITY_HEADERS: z.enum(["api", "all"]).default("api"),
    LAUREN_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    LAUREN_LOG_FORMAT: z.enum(["console", "json"]).default("console"),
  })
  // `when` runs the check even if another variable failed, so one error lists them all.
  .superRefine(
    (env, ctx) => {
      if (env.SESSION_SECRET === undefined && (env.NODE_ENV ?? "development") !== "development") {
        ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required when NODE_ENV is not development" });
      }
    },
    { when: () => true },
  )
  .transform(({ SESSION_SECRET, HERO_HQ_SEED, ...env }) => ({
    ...env,
    SESSION_SECRET: SESSION_SECRET ?? DEV_SECRET,
    HERO_HQ_SEED: HERO_HQ_SEED === "1",
  }));

export type HeroConfig = z.output<typeof HeroEnv>;

/** Reads HQ's settings from `env` (the process environment unless a test passes its own). */
export function readConfig(env: EnvVars = process.env): HeroConfig {
  return loadConfig(HeroEnv, { env });
}
// --8<-- [end:code]
