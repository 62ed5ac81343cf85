/**
 * The shared store contracts (lauren/testing) run against the built-in stores; the Redis
 * package runs the very same cases against Redis.
 */
import { describe, test } from "node:test";
import { InMemoryRevocationStore, InMemorySessionStore, SignedCookieSessionStore } from "../../src/sessions/index.js";
import { revocationStoreContract, sessionStoreContract } from "../../src/testing/index.js";
import { Clock } from "./helpers.js";

function fakeTime() {
  const clock = new Clock();
  return {
    clock: clock.read,
    advance: async (seconds: number) => {
      clock.now += seconds;
    },
  };
}

describe("session store contract", () => {
  describe("InMemorySessionStore", () => {
    for (const c of sessionStoreContract()) {
      test(c.name, () => {
        const time = fakeTime();
        return c.run({ store: new InMemorySessionStore({ clock: time.clock }), ...time });
      });
    }
  });

  describe("SignedCookieSessionStore", () => {
    for (const c of sessionStoreContract().filter((c) => !c.serverSide)) {
      test(c.name, () => c.run({ store: new SignedCookieSessionStore(), ...fakeTime() }));
    }
  });
});

describe("revocation store contract: InMemoryRevocationStore", () => {
  for (const c of revocationStoreContract()) {
    test(c.name, () => {
      const time = fakeTime();
      return c.run({ store: new InMemoryRevocationStore({ clock: time.clock }), ...time });
    });
  }
});
