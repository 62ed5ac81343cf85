/**
 * Walks every vector produced by the Python original (shared/vectors). Where our
 * behaviour is deliberately different (SESSIONS.md "beyond Lauren"), the checker says so
 * and asserts our behaviour instead; every other vector must match byte for byte.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Session,
  SessionEngine,
  SessionTooLargeError,
  SignedCookieSessionStore,
  signValue,
  verifySignedValue,
} from "../../src/sessions/index.js";
import {
  allowPythonTutorialSecret,
  Clock,
  cookieValue,
  envelope,
  envelopeJson,
  loadVectors,
  MemoryLogger,
  ScriptedRevocationStore,
  ScriptedStore,
  type Vector,
} from "./helpers.js";

allowPythonTutorialSecret();
const file = loadVectors();
const SECRET: string = file.secret;
const NOW: number = file.fixed_inputs.now_integral;
const HERO = file.fixed_inputs.data;
const { old: OLD, new: NEW } = file.rotation_secrets;

type Checker = (vector: Vector, group: Vector[]) => Promise<void> | void;

function cookieEngine(clock: Clock, extra: Record<string, unknown> = {}): SessionEngine {
  return SessionEngine.create(
    { secret: SECRET, secure: false, store: new SignedCookieSessionStore(), clock: clock.read, ...extra },
    new MemoryLogger(),
  );
}

async function mint(engine: SessionEngine, data: Record<string, unknown>): Promise<string | null> {
  const session = await engine.load(undefined);
  for (const [key, value] of Object.entries(data)) session.set(key, value);
  return engine.commit(session);
}

/** Compares a load with the vector's `{data, is_new, session_id, loaded_expiry, jti, iat}`. */
async function expectLoad(engine: SessionEngine, cookieHeader: string, expected: Vector): Promise<Session> {
  const session = await engine.load(cookieHeader);
  assert.deepEqual(session.toJSON(), expected.data);
  assert.equal(session.isNew, expected.is_new);
  assert.equal(session.id, expected.session_id);
  return session;
}

/**
 * The loaded expiry, token id and issued-at are internal; they show in the envelope we
 * write back after a change, which keeps `x`, `j` and `t` of the inbound cookie.
 */
async function expectCarriedOver(engine: SessionEngine, session: Session, expected: Vector, freshExpiry?: number): Promise<void> {
  const [key] = Object.keys(expected.data);
  session.set(key as string, expected.data[key as string]);
  const written = envelope(cookieValue(await engine.commit(session)));
  // A cookie without an expiry gets the configured one on its next write, as in Lauren.
  assert.equal(written.x, expected.loaded_expiry ?? freshExpiry);
  assert.equal(written.j, expected.jti ?? undefined);
  assert.equal(written.t, expected.iat ?? undefined);
}

/** Login (`regenerateId`) over a revocable cookie: new `j`, old `j` deny-listed. */
async function checkRegenerate(v: Vector): Promise<void> {
  const login = async (at: number): Promise<{ engine: SessionEngine; cookie: Record<string, unknown> }> => {
    const clock = new Clock(NOW);
    const revocation = new ScriptedRevocationStore({ clock: clock.read });
    revocation.tokenIds.push(file.fixed_inputs.jti, file.fixed_inputs.jti_2);
    const engine = cookieEngine(clock, { revocationStore: revocation });
    const before = cookieValue(await mint(engine, { visits: 1 }));
    assert.equal(before, v.before.cookie_value);
    assert.equal(envelopeJson(before), v.before.envelope_json);
    clock.now = at;
    const session = await engine.load(`lauren_session=${before}`);
    session.regenerateId();
    for (const [key, value] of Object.entries(HERO)) session.set(key, value);
    const after = cookieValue(await engine.commit(session));
    assert.deepEqual(revocation.revoked, [{ tokenId: file.fixed_inputs.jti, ttl: 1209600 - (at - NOW) }]);
    return { engine, cookie: { value: after, ...envelope(after) } };
  };
  // At the instant the old cookie was issued, the login cookie is Lauren's, byte for byte.
  const sameInstant = await login(NOW);
  assert.equal(sameInstant.cookie.value, v.after_at_now_plus_100.cookie_value);
  assert.equal(envelopeJson(v.after_at_now_plus_100.cookie_value), v.after_at_now_plus_100.envelope_json);
  // 100 s later Lauren keeps the old issued-at; we stamp a fresh one (beyond Lauren) so that
  // revokeUser() followed by regenerateId() keeps the current device signed in.
  const { d, j, x, t } = envelope(v.after_at_now_plus_100.cookie_value);
  assert.equal(t, NOW);
  const later = await login(NOW + 100);
  assert.deepEqual(later.cookie, { value: later.cookie.value, d, j, x, t: NOW + 100 });
  const { engine } = later;
  await expectLoad(engine, `lauren_session=${v.before.cookie_value}`, v.load_old_cookie);
  const fresh = await expectLoad(engine, `lauren_session=${v.after_at_now_plus_100.cookie_value}`, v.load_new_cookie);
  await expectCarriedOver(engine, fresh, v.load_new_cookie);
}

const checkers: Record<string, Checker> = {
  signer_basics(v) {
    assert.equal(signValue(v.value, v.secrets), v.signed);
    if (v.hmac_sha256_hex !== undefined) assert.equal(v.signed, `${v.value}.${v.hmac_sha256_hex}`);
    assert.equal(verifySignedValue(v.signed, v.secrets), v.unsign_result ?? v.value);
  },

  async server_store(v) {
    const config = v.config ?? { secure: true, max_age: 1209600 };
    const store = new ScriptedStore();
    store.ids.push(v.session_id);
    const engine = SessionEngine.create({ secret: SECRET, secure: config.secure, maxAge: config.max_age, store }, new MemoryLogger());
    const setCookie = await mint(engine, HERO);
    assert.equal(setCookie, v.set_cookie_header);
    if (v.cookie_value === undefined) return;
    assert.equal(cookieValue(setCookie), v.cookie_value);
    const loaded = await expectLoad(engine, `lauren_session=${v.cookie_value}`, v.load_result);
    loaded.invalidate();
    assert.equal(await engine.commit(loaded), v.logout_set_cookie_header);
    await expectLoad(engine, `lauren_session=${v.cookie_value}`, v.load_after_logout);
  },

  async cookie_store(v) {
    if (v.error !== undefined) {
      // The vector describes its data as "x * 4000": a 4000-character string of "x".
      const engine = cookieEngine(new Clock(NOW));
      await assert.rejects(
        async () => mint(engine, { blob: "x".repeat(4000) }),
        (error: unknown) => {
          assert.ok(error instanceof SessionTooLargeError);
          assert.equal(error.message, v.error);
          return true;
        },
      );
      return;
    }
    const clock = new Clock(v.now ?? NOW);
    const maxAge = v.set_cookie_header !== undefined && !v.set_cookie_header.includes("Max-Age") ? null : 1209600;
    const engine = cookieEngine(clock, { maxAge });
    const setCookie = await mint(engine, v.data_inserted_in_this_order ?? HERO);
    const value = cookieValue(setCookie);
    assert.equal(value, v.cookie_value);
    if (v.set_cookie_header !== undefined) assert.equal(setCookie, v.set_cookie_header);
    assert.equal(envelopeJson(value), v.envelope_json ?? envelopeJson(v.cookie_value));
    if (v.base64url !== undefined) assert.equal(value.split(".")[0], v.base64url);
    if (v.signed_value !== undefined) assert.equal(value, `${v.signed_value}.${v.signature_hex}`);
    if (v.hmac_sha256_hex !== undefined) assert.ok(value.endsWith(`.${v.hmac_sha256_hex}`));
    if (v.cookie_value_length !== undefined) assert.equal(value.length, v.cookie_value_length);
    const cookie = `lauren_session=${value}`;
    if (v.load_result !== undefined) {
      await expectCarriedOver(engine, await expectLoad(engine, cookie, v.load_result), v.load_result);
    }
    if (v.load_at_now_plus_60 !== undefined) {
      clock.now = v.now + 60;
      await expectCarriedOver(engine, await expectLoad(engine, cookie, v.load_at_now_plus_60), v.load_at_now_plus_60);
      clock.now = v.expiry_x;
      await expectLoad(engine, cookie, v.load_at_exact_expiry);
      clock.now = v.expiry_x - 0.5;
      await expectLoad(engine, cookie, v.load_half_second_before_expiry);
    }
  },

  async cookie_store_revocable(v) {
    if (v.before !== undefined) return checkRegenerate(v);
    const clock = new Clock(v.now ?? NOW);
    const revocation = new ScriptedRevocationStore({ clock: clock.read });
    const engine = cookieEngine(clock, { revocationStore: revocation });
    const jti: string = v.jti ?? file.fixed_inputs.jti;
    revocation.tokenIds.push(jti);

    const data = v.envelope_json === undefined ? HERO : JSON.parse(v.envelope_json).d;
    const setCookie = await mint(engine, data);
    assert.equal(cookieValue(setCookie), v.cookie_value);
    assert.equal(envelopeJson(v.cookie_value), v.envelope_json);
    if (v.set_cookie_header !== undefined) assert.equal(setCookie, v.set_cookie_header);
    if (v.base64url !== undefined) assert.equal(v.cookie_value.split(".")[0], v.base64url);
    const cookie = `lauren_session=${v.cookie_value}`;

    if (v.load_before_cutoff !== undefined) {
      await expectCarriedOver(engine, await expectLoad(engine, cookie, v.load_before_cutoff), v.load_before_cutoff);
      await revocation.revokeUser("42", { cutoff: clock.now + 1 });
      await expectLoad(engine, cookie, v.load_after_cutoff);
      return;
    }
    clock.now = v.now + 60;
    await expectCarriedOver(engine, await expectLoad(engine, cookie, v.load_at_now_plus_60), v.load_at_now_plus_60);
    const logout = await engine.load(cookie);
    logout.invalidate();
    assert.equal(await engine.commit(logout), v.logout_set_cookie_header);
    assert.deepEqual(revocation.revoked, [{ tokenId: jti, ttl: v.revoked_token_ttl_seconds }]);
    await expectLoad(engine, cookie, v.load_replayed_after_logout);
  },

  async server_store_revocable(v) {
    const clock = new Clock(v.now);
    const store = new ScriptedStore({ clock: clock.read });
    store.ids.push(v.session_id);
    const options = { store, clock: clock.read, secure: false, revocationStore: new ScriptedRevocationStore({ clock: clock.read }) };
    const engine = SessionEngine.create({ secret: SECRET, ...options }, new MemoryLogger());
    const setCookie = await mint(engine, HERO);
    assert.equal(setCookie, v.set_cookie_header);
    assert.equal(cookieValue(setCookie), `${v.signed_value}.${v.signature_hex}`);
    assert.equal(envelopeJson(v.cookie_value), v.envelope_json);
    await expectLoad(engine, `lauren_session=${v.cookie_value}`, v.load_result);
    // The loaded expiry and issued-at reappear when an engine that verifies the cookie with
    // an older secret re-issues it (beyond Lauren), even on a pure read.
    const rotated = SessionEngine.create({ secret: [NEW, SECRET], ...options }, new MemoryLogger());
    const read = await expectLoad(rotated, `lauren_session=${v.cookie_value}`, v.load_result);
    const reissued = envelope(cookieValue(await rotated.commit(read)));
    assert.deepEqual(reissued, { i: v.session_id, t: v.load_result.iat, x: v.load_result.loaded_expiry });
  },

  async verification(v) {
    if (v.cookie_value !== undefined) {
      assert.equal(verifySignedValue(v.cookie_value, v.verify_secrets), v.signer_unsign);
      assert.equal(v.signer_unsign !== null, v.signature_valid);
    }
    const engine = cookieEngine(new Clock(NOW));
    const cookieHeader: string = v.cookie_header ?? `lauren_session=${v.cookie_value}`;
    let expected = v.engine_load_at_now;
    if (v.name === "cookie name appears twice, valid one last") {
      // Lauren lets the last duplicate win; we treat any duplicate as ambiguous and stay
      // anonymous, so a cookie planted from a sibling domain can never choose the session.
      expected = { data: {}, is_new: true, session_id: null };
    }
    const session = await expectLoad(engine, cookieHeader, expected);
    assert.equal(await engine.commit(session), null, "a rejected or read-only cookie sends no Set-Cookie");
    if (!expected.is_new) {
      await expectCarriedOver(engine, await engine.load(cookieHeader), expected, NOW + 1209600);
    }
  },

  verification_note(v) {
    // The note describes Lauren's Cookie parsing; its concrete cases are the verification
    // vectors above. It must still describe the rules we follow.
    assert.match(v, /not URL-decoded or unquoted/);
    const engine = cookieEngine(new Clock(NOW));
    const session = engine.load("lauren_session=%7B%7D");
    assert.ok(!(session instanceof Promise) && session.isNew);
  },

  async key_rotation(v, group) {
    if (v.signed !== undefined) {
      const value: string = v.value ?? file.fixed_inputs.session_id;
      assert.equal(signValue(value, v.secrets), v.signed);
      if (v.equals_sign_with_new_only) assert.equal(v.signed, signValue(value, NEW));
      if (v.equals_str_secret) assert.equal(v.signed, signValue(value, Buffer.from(SECRET)));
      return;
    }
    if (v.signer_unsign !== undefined) {
      assert.equal(verifySignedValue(v.cookie_value, v.verify_secrets), v.signer_unsign);
      return;
    }
    if (v.engine_load_at_now !== undefined) {
      const engine = cookieEngine(new Clock(NOW), { secret: v.verify_secrets });
      const session = await expectLoad(engine, `lauren_session=${v.cookie_value}`, v.engine_load_at_now);
      if (!v.engine_load_at_now.is_new) await expectCarriedOver(engine, session, v.engine_load_at_now);
      return;
    }
    // "NOT re-signed on a pure read" is Lauren's behaviour; we re-issue a cookie verified by
    // an older secret on that very response (beyond Lauren). What we send is exactly the
    // cookie Lauren would mint with [NEW, OLD] for the same data and time: this vector.
    assert.ok(v.signature_is_hmac_with_new);
    const old = group.find((other: Vector) => other.signed_with === OLD && other.engine_load_at_now !== undefined);
    const engine = cookieEngine(new Clock(NOW), { secret: [NEW, OLD] });
    const session = await engine.load(`lauren_session=${old.cookie_value}`);
    assert.equal(session.isNew, false);
    const setCookie = await engine.commit(session);
    assert.equal(cookieValue(setCookie), v.cookie_value);
    assert.equal(envelopeJson(v.cookie_value), v.envelope_json);
    assert.equal(v.cookie_value, `${v.signed_value}.${v.signature_hex}`);
  },
};

describe("Python Lauren session vectors", () => {
  test("every vector group in the file has a checker", () => {
    assert.deepEqual(
      Object.keys(file.vectors).filter((group) => !(group in checkers)),
      [],
    );
  });

  for (const [group, entries] of Object.entries(file.vectors as Record<string, Vector>)) {
    const checker = checkers[group] as Checker;
    if (!Array.isArray(entries)) {
      test(`${group}`, () => checker(entries, []));
      continue;
    }
    describe(group, () => {
      for (const entry of entries) test(entry.name, () => checker(entry, entries));
    });
  }

  test("the cookie captured from the running Python server verifies", () => {
    const v = file.live_server_observed;
    assert.equal(verifySignedValue(v.cookie_value, SECRET), v.session_id);
    assert.equal(signValue(v.session_id, SECRET), `${v.session_id}.${v.recomputed_hmac_hex}`);
    assert.equal(v.signer_unsign, v.session_id);
  });
});
