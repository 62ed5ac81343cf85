/**
 * The synchronizer token (opt-in): a random value kept in the session and echoed by the
 * page in a header or a form field on every unsafe request. A site that cannot read our
 * pages cannot learn it, which protects browsers too old to send `Origin`/`Sec-Fetch-Site`.
 */
import { timingSafeEqual } from "node:crypto";
import type { LaurenRequest } from "../http/request.js";
import { CsrfTokenError } from "./cross-origin.js";
import { CSRF_SESSION_KEY, coreOfSession } from "./session.js";

const FORM = "application/x-www-form-urlencoded";

export class CsrfTokenCheck {
  readonly #header: string;
  readonly #field: string;

  constructor(options: { header: string; field: string }) {
    this.#header = options.header;
    this.#field = options.field;
  }

  /** Throws `CsrfTokenError` unless the request echoes the session's token; async only for a form body. */
  verify(request: LaurenRequest, session: object): void | Promise<void> {
    // Read past the public view, which hides Lauren's internal keys.
    const expected = coreOfSession(session).data?.get(CSRF_SESSION_KEY);
    const sent = request.raw.headers[this.#header];
    if (typeof sent === "string") return check(sent, expected, `the ${this.#header} header`);
    const type = request.raw.headers["content-type"];
    if (type?.toLowerCase().startsWith(FORM) === true) return this.#verifyForm(request, expected);
    throw new CsrfTokenError(
      `missing CSRF token: send the session's token in the ${this.#header} header or the ${this.#field} form field`,
      {
        header: this.#header,
        field: this.#field,
      },
    );
  }

  async #verifyForm(request: LaurenRequest, expected: unknown): Promise<void> {
    // The body stays cached on the request, so the route can still read it afterwards.
    const fields = new URLSearchParams((await request.bytes()).toString("utf8"));
    const sent = fields.get(this.#field);
    if (sent === null) {
      throw new CsrfTokenError(
        `missing CSRF token: send the session's token in the ${this.#header} header or the ${this.#field} form field`,
        {
          header: this.#header,
          field: this.#field,
        },
      );
    }
    check(sent, expected, `the ${this.#field} form field`);
  }
}

function check(sent: string, expected: unknown, where: string): void {
  const given = Buffer.from(sent, "utf8");
  const wanted = typeof expected === "string" ? Buffer.from(expected, "utf8") : null;
  if (wanted === null || given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw new CsrfTokenError(`invalid CSRF token in ${where}: it does not match this session's token (session.csrfToken())`, {});
  }
}
