import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { readCookie } from "../../src/sessions/cookie.js";
import { signValue, verifySignedValue } from "../../src/sessions/signer.js";
import { runs } from "./support.js";

const secret = fc.uint8Array({ minLength: 32, maxLength: 48 }).map((bytes) => Buffer.from(bytes));
/** Cookie values are ASCII in practice (base64url ids, hex MACs), but the signer takes any string. */
const value = fc.oneof(fc.string({ unit: "grapheme-ascii", maxLength: 60 }), fc.string({ unit: "grapheme", maxLength: 20 }));

describe("property: signing and verification", () => {
  it("a signed value verifies to itself", () => {
    fc.assert(
      fc.property(value, secret, (v, key) => {
        assert.equal(verifySignedValue(signValue(v, key), key), v);
      }),
      runs(300),
    );
  });

  it("any change to any byte of a signed token is refused", () => {
    fc.assert(
      fc.property(value, secret, fc.nat(), fc.integer({ min: 1, max: 255 }), (v, key, at, mask) => {
        const bytes = Buffer.from(signValue(v, key), "utf8");
        const i = at % bytes.length;
        bytes[i] = (bytes[i] as number) ^ mask;
        const tampered = bytes.toString("utf8");
        if (tampered === signValue(v, key)) return; // a flip inside a multi-byte character can decode back
        assert.equal(verifySignedValue(tampered, key), null);
      }),
      runs(500),
    );
  });

  it("a token signed with another secret is refused", () => {
    fc.assert(
      fc.property(value, secret, secret, (v, a, b) => {
        fc.pre(!a.equals(b));
        assert.equal(verifySignedValue(signValue(v, a), b), null);
      }),
      runs(200),
    );
  });

  it("truncating or extending a token is refused", () => {
    fc.assert(
      fc.property(value, secret, fc.nat(), fc.string({ minLength: 1, maxLength: 4 }), (v, key, cut, extra) => {
        const token = signValue(v, key);
        assert.equal(verifySignedValue(token.slice(0, cut % token.length), key), null);
        assert.equal(verifySignedValue(token + extra, key), null);
      }),
      runs(200),
    );
  });
});

/** The session cookie reader's contract, written the obvious way. */
function referenceRead(header: string, name: string, max: number): string | null {
  let found: string | null = null;
  let seen = false;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    const key = (eq === -1 ? pair : pair.slice(0, eq)).replace(/^[ \t]+|[ \t]+$/g, "");
    if (key !== name) continue;
    if (seen) return null;
    seen = true;
    const v = eq === -1 ? "" : pair.slice(eq + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    found = v !== "" && v.length <= max ? v : null;
  }
  return found;
}

describe("property: reading the session cookie from a Cookie header", () => {
  const piece = fc.constantFrom("lauren_session", "sid", "a", "=", ";", " ", "\t", "x.y", "==", "lauren_session=", "__proto__");
  const header = fc.array(piece, { maxLength: 14 }).map((parts) => parts.join(""));

  it("matches the reference reader on any header", () => {
    fc.assert(
      fc.property(header, fc.constantFrom("lauren_session", "sid", "a"), fc.integer({ min: 1, max: 30 }), (h, name, max) => {
        assert.equal(readCookie(h, name, max), referenceRead(h, name, max));
      }),
      runs(1000),
    );
  });

  it("finds a well-formed cookie among others, and refuses a duplicate", () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(token, token), { maxLength: 6 }), token, (others, v) => {
        const pairs = others.filter(([k]) => k !== "lauren_session").map(([k, x]) => `${k}=${x}`);
        const header = [...pairs, `lauren_session=${v}`, ...pairs].join("; ");
        assert.equal(readCookie(header, "lauren_session", 4096), v);
        assert.equal(readCookie(`${header}; lauren_session=${v}`, "lauren_session", 4096), null);
      }),
      runs(300),
    );
  });
});
