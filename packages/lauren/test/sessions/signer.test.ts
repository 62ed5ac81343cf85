import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, test } from "node:test";
import fc from "fast-check";
import { Signer, signValue, verifySignedValue } from "../../src/sessions/index.js";
import { SECRET } from "./helpers.js";

const OTHER = "another-secret-that-is-also-32-bytes-long";
const anyChar = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
/** Strings over every UTF-16 code unit, lone surrogates included. */
const anyString = fc.string({ unit: anyChar, maxLength: 60 });

describe("signing (SESSIONS.md §4)", () => {
  test("a signed value is the value, a dot, and the lowercase hex HMAC-SHA256 of the value", () => {
    const mac = createHmac("sha256", SECRET).update("hello").digest("hex");
    assert.equal(signValue("hello", SECRET), `hello.${mac}`);
  });

  test("verification splits at the last dot, so the value may itself contain dots", () => {
    const token = signValue("a.b.c", SECRET);
    assert.equal(verifySignedValue(token, SECRET), "a.b.c");
  });

  test("a token without a dot never verifies", () => {
    assert.equal(verifySignedValue("abcdef", SECRET), null);
  });

  test("the first secret signs, every secret verifies, and verify() says which one matched", () => {
    const signer = new Signer([SECRET, OTHER]);
    assert.equal(signer.sign("v"), signValue("v", SECRET));
    const old = signValue("v", OTHER);
    const sig = old.slice(old.lastIndexOf(".") + 1);
    assert.equal(signer.verify("v", sig), 1);
    assert.equal(new Signer(SECRET).verify("v", sig), -1);
  });

  test("a token verified once keeps verifying, and its value or signature altered never does", () => {
    const signer = new Signer([SECRET, OTHER]);
    const old = signValue("row-1", OTHER);
    const sig = old.slice(old.lastIndexOf(".") + 1);
    for (let round = 0; round < 3; round++) {
      assert.equal(signer.verify("row-1", sig), 1, "the older key, every time");
      assert.equal(signer.verify("row-2", sig), -1, "another value under a remembered signature");
      assert.equal(signer.verify("row-1", `${sig.slice(0, 63)}${sig[63] === "0" ? "1" : "0"}`), -1);
      assert.equal(signer.verify("row-1 ", sig), -1);
    }
    const mine = signer.sign("fresh");
    assert.equal(signer.unsign(mine), "fresh");
    assert.equal(signer.unsign(`fresh!${mine.slice(5)}`), null);
  });

  test("past the number of tokens it remembers, every token still verifies by its HMAC", () => {
    const signer = new Signer(SECRET);
    const tokens = Array.from({ length: 20_050 }, (_, i) => signValue(`id-${i}`, SECRET));
    for (const token of tokens) assert.notEqual(signer.unsign(token), null);
    assert.equal(signer.unsign(tokens[0] as string), "id-0");
    assert.equal(signer.unsign(`id-1.${(tokens[0] as string).slice(5)}`), null);
  });

  test("a string secret and the same bytes as a Buffer sign identically", () => {
    assert.equal(signValue("v", SECRET), signValue("v", Buffer.from(SECRET)));
  });

  test("empty secrets are dropped, and a signer without any secret is refused", () => {
    assert.equal(signValue("v", ["", SECRET]), signValue("v", SECRET));
    assert.throws(() => new Signer(["", Buffer.alloc(0)]), TypeError);
  });

  test("an uppercase or non-ASCII signature of the right length is rejected", () => {
    const token = signValue("v", SECRET);
    const sig = token.slice(2);
    assert.equal(verifySignedValue(`v.${sig.toUpperCase()}`, SECRET), null);
    assert.equal(verifySignedValue(`v.${sig.slice(0, 63)}é`, SECRET), null);
    // "š" is U+0161: a latin1 encoder would truncate it to "a".
    assert.equal(verifySignedValue(`v.${sig.replace(/a/, "š")}`, SECRET), null);
  });

  test("any change to the value or to the signature is rejected", () => {
    fc.assert(
      fc.property(anyString, fc.nat(), anyChar, (value, at, replacement) => {
        const token = signValue(value, SECRET);
        const index = at % token.length;
        fc.pre(token[index] !== replacement);
        const tampered = token.slice(0, index) + replacement + token.slice(index + 1);
        assert.equal(verifySignedValue(tampered, SECRET), null);
      }),
      { numRuns: 500 },
    );
  });

  test("signing then verifying returns the value for any string, lone surrogates included", () => {
    fc.assert(
      fc.property(anyString, (value) => {
        assert.equal(verifySignedValue(signValue(value, SECRET), [OTHER, SECRET]), value);
      }),
    );
  });

  test("distinct strings with lone surrogates never share a signature", () => {
    assert.notEqual(signValue("\uD800", SECRET), signValue("\uDBFF", SECRET).replace("\uDBFF", "\uD800"));
    assert.equal(verifySignedValue(signValue("\uD800", SECRET).replace("\uD800", "\uDBFF"), SECRET), null);
  });

  test("a value signed with a foreign secret does not verify", () => {
    assert.equal(verifySignedValue(signValue("v", OTHER), SECRET), null);
  });
});
