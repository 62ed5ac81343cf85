import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Session } from "../../src/sessions/index.js";
import { makeEngine, request } from "./helpers.js";

interface HeroSession {
  hero_id: number;
  name: string;
  tags?: string[];
}

describe("the Session object (SESSIONS.md §3)", () => {
  test("a fresh session is empty, new, unmodified and has no id yet", () => {
    const session = new Session();
    assert.equal(session.size, 0);
    assert.equal(session.isNew, true);
    assert.equal(session.isModified, false);
    assert.equal(session.isInvalidated, false);
    assert.equal(session.id, null);
  });

  test("reading never marks the session modified", () => {
    const session = new Session<HeroSession>({ hero_id: 1 });
    assert.equal(session.get("hero_id"), 1);
    assert.equal(session.get("name"), undefined);
    assert.equal(session.has("hero_id"), true);
    assert.deepEqual([...session.keys()], ["hero_id"]);
    assert.deepEqual([...session.entries()], [["hero_id", 1]]);
    assert.equal(session.isModified, false);
  });

  test("set marks the session modified", () => {
    const session = new Session<HeroSession>();
    session.set("name", "Volt");
    assert.equal(session.get("name"), "Volt");
    assert.equal(session.isModified, true);
  });

  test("delete of a present key marks it modified; of an absent key changes nothing", () => {
    const absent = new Session<HeroSession>({ hero_id: 1 });
    assert.equal(absent.delete("name"), false);
    assert.equal(absent.isModified, false);
    assert.equal(absent.delete("hero_id"), true);
    assert.equal(absent.isModified, true);
    assert.equal(absent.has("hero_id"), false);
  });

  test("clear marks a non-empty session modified and leaves an empty one alone", () => {
    const empty = new Session();
    empty.clear();
    assert.equal(empty.isModified, false);
    const full = new Session({ a: 1, b: 2 });
    full.clear();
    assert.equal(full.size, 0);
    assert.equal(full.isModified, true);
  });

  test("setting undefined removes the key, since JSON cannot hold it", () => {
    const session = new Session<HeroSession>({ hero_id: 1, tags: ["a"] });
    session.set("tags", undefined);
    assert.equal(session.has("tags"), false);
    assert.equal(session.size, 1);
  });

  test("toJSON returns a shallow copy as a plain object", () => {
    const tags = ["a"];
    const session = new Session<HeroSession>({ hero_id: 1, tags });
    const copy = session.toJSON();
    assert.deepEqual(copy, { hero_id: 1, tags });
    copy.hero_id = 2;
    assert.equal(session.get("hero_id"), 1);
    assert.equal(copy.tags, tags);
    assert.equal(JSON.stringify(session), '{"hero_id":1,"tags":["a"]}');
  });

  test("regenerateId mints a new 43-character id and keeps the data", () => {
    const session = new Session({ hero_id: 1 });
    session.regenerateId();
    const first = session.id;
    assert.match(first as string, /^[A-Za-z0-9_-]{43}$/);
    session.regenerateId();
    assert.notEqual(session.id, first);
    assert.deepEqual(session.toJSON(), { hero_id: 1 });
    assert.equal(session.isModified, true);
  });

  test("invalidate clears the data and flags the session", () => {
    const session = new Session({ hero_id: 1 });
    session.invalidate();
    assert.equal(session.size, 0);
    assert.equal(session.isInvalidated, true);
    assert.equal(session.isModified, true);
  });

  test("a __proto__ key is ordinary data and never reaches Object.prototype", async () => {
    const session = new Session();
    session.set("__proto__", { polluted: true });
    assert.deepEqual(Object.getPrototypeOf(session.toJSON()), Object.prototype);
    assert.equal(Object.hasOwn(session.toJSON(), "__proto__"), true);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const engine = makeEngine();
    const { setCookie } = await request(engine, null, (s) => s.set("__proto__", { polluted: true }));
    const { session: back } = await request(engine, setCookie?.split(";")[0]?.split("=")[1] ?? null);
    assert.deepEqual(back.get("__proto__"), { polluted: true });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test("the data type is declared once, so reads and writes are typed", () => {
    const session = new Session<HeroSession>();
    session.set("hero_id", 7);
    const id: number | undefined = session.get("hero_id");
    assert.equal(id, 7);
    // @ts-expect-error "hero" is not a key of HeroSession
    session.get("hero");
    // @ts-expect-error hero_id holds a number
    session.set("hero_id", "seven");
  });
});
