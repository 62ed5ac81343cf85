import type { IncomingHttpHeaders } from "node:http";
import type { CookieOptions } from "../cookies/index.js";
import type { InjectionToken } from "../di/token.js";
import type { Logger } from "../logging/index.js";
import type { Session } from "../sessions/index.js";
import type { Infer, RouteSchemas } from "../validation/types.js";
import type { LaurenRequest, ParsedQuery } from "./request.js";
import type { BackgroundTasks } from "./tasks.js";

/**
 * The shape of your app's session data, declared once by interface merging:
 *
 *     declare module "lauren" { interface SessionData { hero_id: number; name: string } }
 *
 * Until you declare it, session values are `unknown`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the app through declaration merging
export interface SessionData {}

export type AppSession = keyof SessionData extends never ? Session<Record<string, unknown>> : Session<SessionData>;

type Field<S, K extends keyof RouteSchemas> = S extends { readonly [P in K]: infer X } ? X : undefined;

type BodyOf<S> = S extends { readonly body: infer B; readonly form: infer F }
  ? Infer<B, unknown> | Infer<F, unknown>
  : Infer<Field<S, "body">, unknown>;

/**
 * The one object a handler receives. `body`, `params`, `query` and `headers` are typed by
 * the schemas the route declares (`Ctx<{ body: typeof CreateHero }>`); what the route does
 * not declare is left loosely typed, so a handler can never claim more than its route checks.
 * `out` states the variance: measured through the conditional types below, S would come out
 * bivariant, and a route without a params schema would accept a handler claiming typed params.
 */
export interface Ctx<out S = {}> {
  readonly request: LaurenRequest;
  /** The request's session; throws a SessionConfigError when sessions are off for the route. */
  readonly session: AppSession;
  /** The JSON body; on a route that declares both `body` and `form`, whichever the client sent. */
  readonly body: BodyOf<S>;
  readonly params: Infer<Field<S, "params">, Readonly<Record<string, string>>>;
  readonly query: Infer<Field<S, "query">, ParsedQuery>;
  readonly headers: Infer<Field<S, "headers">, IncomingHttpHeaders>;
  /** Request cookies: typed and validated when the route declares `cookies`. */
  readonly cookies: Infer<Field<S, "cookies">, Readonly<Record<string, string | undefined>>>;
  /** The parsed urlencoded or multipart form, when the route declares `form`. */
  readonly form: Infer<Field<S, "form">, unknown>;
  /** Sends a cookie with the response; attributes default to the app's `cookies.defaults` (Secure, HttpOnly, SameSite=Lax). */
  setCookie(name: string, value: string, options?: CookieOptions): void;
  /** Tells the browser to drop a cookie (give the path and domain it was set with). */
  clearCookie(name: string, options?: ClearCookieOptions): void;
  /** The value of a cookie set with `{ signed: true }`, or undefined when absent or tampered with. */
  signedCookie(name: string): string | undefined;
  /** Work to run after the response is sent. */
  readonly tasks: BackgroundTasks;
  /** A per-request bag shared between guards and the handler. */
  readonly state: Record<string, unknown>;
  /** The app's logger; with `requestId()` every line carries the request's id. */
  readonly log: Logger;
  /** Resolves a provider for this request (request-scoped ones are built once per request). */
  resolve<T>(token: InjectionToken<T>): T;
}

export type ClearCookieOptions = Pick<CookieOptions, "path" | "domain" | "secure" | "sameSite" | "partitioned">;
