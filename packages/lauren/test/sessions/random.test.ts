import assert from "node:assert/strict";
import { test } from "node:test";
import { InMemoryRevocationStore, InMemorySessionStore } from "../../src/sessions/index.js";

test("session ids stay unique and well-formed across many refills of the random pool", () => {
  const store = new InMemorySessionStore();
  const ids = new Set<string>();
  // 4096-byte pool / 32 bytes per id = 128 ids per refill: this spans about 40 refills.
  for (let i = 0; i < 5000; i++) {
    const id = store.newId();
    assert.match(id, /^[A-Za-z0-9_-]{43}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 5000);
  store.close();
});

test("revocation token ids are 16 random bytes and never repeat", () => {
  const revocation = new InMemoryRevocationStore();
  const ids = new Set<string>();
  for (let i = 0; i < 3000; i++) ids.add(revocation.newTokenId());
  assert.equal(ids.size, 3000);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  revocation.close();
});
