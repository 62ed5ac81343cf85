import { LaurenFactory } from "lauren";
import { AppModule } from "./app.module.js";

export interface AppSettings {
  /** Signs the session cookie: at least 32 bytes, kept out of the code (see .env). */
  sessionSecret: string;
  /** Send the cookie over HTTPS only. Keep true in production; plain-HTTP development needs false. */
  secureCookies: boolean;
}

/** A function, not a module-level app, so every test builds a fresh one. */
export function buildApp(settings: AppSettings) {
  return LaurenFactory.create(AppModule, {
    sessions: { secret: settings.sessionSecret, secure: settings.secureCookies },
  });
}
