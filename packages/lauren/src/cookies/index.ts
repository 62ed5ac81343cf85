/** Cookies beyond the session's: declared request cookies, response cookies, signed values. */
export { CookieKit, withCookies } from "./jar.js";
export { CookieConfigError, type CookieOptions, type CookieSettings, resolveCookie, type SameSite } from "./options.js";
export { CookieSigner } from "./signer.js";
