import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { describe, it } from "node:test";
import { parse as parseCookieHeader } from "cookie";
import fc from "fast-check";
import { LaurenRequest } from "../../src/http/request.js";
import { resolveSessionOptions } from "../../src/sessions/config.js";
import { CookieWriter } from "../../src/sessions/cookie.js";
import { SessionConfigError } from "../../src/sessions/index.js";
import { runs } from "./support.js";

function requestWith(headers: Record<string, string>, rawQuery = ""): LaurenRequest {
  const raw = { method: "GET", url: "/", headers } as unknown as IncomingMessage;
  return new LaurenRequest(raw, "/", rawQuery, 1024, 0);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const name = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), fc.constantFrom("__proto__", "constructor", "prototype", "toString"));
/** RFC 6265 cookie-octets: visible ASCII but no space, '"', ',', ';' or '\'. */
const octets = fc.stringMatching(/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{0,24}$/);

function tryDecode(v: string): string {
  try {
    return v.includes("%") ? decodeURIComponent(v) : v;
  } catch {
    return v;
  }
}

describe("property: the Cookie header as request.cookies", () => {
  it("reads back every well-formed pair (first one wins) and never touches a prototype", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, octets), { maxLength: 10 }), (pairs) => {
        const header = pairs.map(([k, v]) => `${k}=${v}`).join("; ");
        const cookies = requestWith(header === "" ? {} : { cookie: header }).cookies;
        const expected = new Map<string, string>();
        // The cookie library percent-decodes a value when it can (and keeps it as sent when it cannot).
        for (const [k, v] of pairs) if (!expected.has(k)) expected.set(k, tryDecode(v));
        for (const [k, v] of expected) assert.equal(Object.hasOwn(cookies, k) ? cookies[k] : undefined, v, k);
        assert.equal(Object.keys(cookies).length, expected.size);
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        assert.equal(Object.getPrototypeOf(Object.prototype), null);
      }),
      runs(300),
    );
  });

  it("never throws on an arbitrary header", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (header) => {
        const cookies = requestWith({ cookie: header }).cookies;
        for (const key of Object.keys(cookies)) assert.equal(typeof cookies[key], "string");
      }),
      runs(150),
    );
  });
});

describe("property: building Set-Cookie from any configuration", () => {
  const text = fc.oneof(
    fc.string({ unit: "binary-ascii", maxLength: 16 }),
    fc.stringMatching(/^[a-z0-9./_-]{1,16}$/),
    fc.constantFrom("/", "/app", "example.com", "a;b", "x\r\nSet-Cookie: evil=1", "__Host-sid", "__Secure-sid", "a b"),
  );
  const SECRET = "property-test-secret-that-is-32-bytes!";

  it("is either refused at start-up or one header line with exactly the configured attributes", () => {
    fc.assert(
      fc.property(
        text,
        fc.option(text, { nil: undefined }),
        fc.option(text, { nil: undefined }),
        fc.boolean(),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        (cookieName, path, domain, secure, value) => {
          let config: ReturnType<typeof resolveSessionOptions>;
          try {
            config = resolveSessionOptions({
              secret: SECRET,
              cookieName,
              secure,
              ...(path === undefined ? {} : { path }),
              ...(domain === undefined ? {} : { domain }),
            });
          } catch (error) {
            assert.ok(error instanceof SessionConfigError, String(error));
            return;
          }
          (config.store as { close?: () => void }).close?.();
          const writer = new CookieWriter({
            name: config.cookieName,
            maxAge: config.maxAge,
            path: config.path,
            domain: config.domain,
            secure: config.secure,
            httpOnly: config.httpOnly,
            sameSite: config.sameSite,
          });
          for (const line of [writer.set(value), writer.expire()]) {
            assert.ok(![...line].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), JSON.stringify(line));
            const [first, ...attributes] = line.split("; ");
            assert.ok(TOKEN.test(config.cookieName));
            assert.ok(first?.startsWith(`${config.cookieName}=`));
            const expected = [
              line === writer.expire() ? "Max-Age=0" : `Max-Age=${config.maxAge}`,
              `Path=${config.path}`,
              ...(config.domain === null ? [] : [`Domain=${config.domain}`]),
              ...(config.secure ? ["Secure"] : []),
              "HttpOnly",
              `SameSite=${config.sameSite}`,
            ];
            assert.deepEqual(attributes, expected);
          }
          assert.equal(parseCookieHeader(writer.set(value).split("; ")[0] as string)[config.cookieName], value);
        },
      ),
      runs(500),
    );
  });
});

describe("property: query strings as request.query", () => {
  const part = fc.oneof(
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }),
    fc.constantFrom("__proto__", "constructor", "a", "a[]"),
  );

  it("decodes what encodeURIComponent wrote; repeated keys become lists in order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(part, fc.string({ unit: "grapheme", maxLength: 10 })), { maxLength: 12 }), (pairs) => {
        const raw = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
        const query = requestWith({}, raw).query;
        const expected = new Map<string, string[]>();
        for (const [k, v] of pairs) expected.set(k, [...(expected.get(k) ?? []), v]);
        assert.equal(Object.keys(query).length, expected.size);
        for (const [k, values] of expected) {
          assert.ok(Object.hasOwn(query, k), k);
          assert.deepEqual(query[k], values.length === 1 ? values[0] : values);
        }
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
      }),
      runs(300),
    );
  });

  it("never throws on an arbitrary query string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 120 }), (raw) => {
        const query = requestWith({}, raw).query;
        for (const key of Object.keys(query)) assert.ok(typeof query[key] === "string" || Array.isArray(query[key]));
      }),
      runs(300),
    );
  });
});
