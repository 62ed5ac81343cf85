/**
 * SESSIONS.md §3 through the app: the `Session` a handler receives behaves as a dirty-tracked
 * map across requests, and guards reach the very same object the handler gets.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type Ctx,
  controller,
  type ExecutionContext,
  type Guard,
  get,
  LaurenFactory,
  module,
  post,
  Session,
  useGuards,
} from "../../src/index.js";
import { TestClient } from "../../src/testing/index.js";
import { CountingStore, SECRET, unsigned } from "./helpers.js";

/** Sessions seen by the guard and the handler of the last request, compared by identity. */
const seen: { guard: unknown; handler: unknown } = { guard: null, handler: null };

class MembersOnly implements Guard {
  canActivate(ctx: ExecutionContext): boolean {
    seen.guard = ctx.session;
    if (!ctx.session.has("member")) return false;
    ctx.session.set("guard_checks", ((ctx.session.get("guard_checks") as number | undefined) ?? 0) + 1);
    return true;
  }
}

class AsyncStamp implements Guard {
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    ctx.session.set("stamped_by", "guard");
    return true;
  }
}

@controller("/api")
class ApiController {
  @post("/tour")
  tour({ session }: Ctx) {
    const trace: Record<string, unknown> = { isNew: session.isNew, id: session.id, modifiedAtStart: session.isModified };
    session.set("a", 1);
    session.set("b", { nested: ["x"] });
    session.set("c", "three");
    trace.afterSet = { size: session.size, has: session.has("b"), get: session.get("b"), modified: session.isModified };
    trace.deleteMissing = session.delete("zzz");
    trace.deleteC = session.delete("c");
    session.set("gone", undefined);
    trace.keys = [...session.keys()];
    trace.entries = [...session.entries()];
    const copy = session.toJSON();
    copy.a = 999;
    trace.copyIsShallowCopy = session.get("a") === 1;
    trace.json = JSON.stringify(session);
    return trace;
  }

  @get("/state")
  state({ session }: Ctx) {
    return {
      isNew: session.isNew,
      modified: session.isModified,
      invalidated: session.isInvalidated,
      id: session.id,
      data: session.toJSON(),
    };
  }

  @post("/wipe")
  wipe({ session }: Ctx) {
    session.clear();
    return { size: session.size, modified: session.isModified, invalidated: session.isInvalidated };
  }

  @post("/leave")
  leave({ session }: Ctx) {
    session.invalidate();
    return { invalidated: session.isInvalidated, size: session.size };
  }

  @post("/join")
  join({ session }: Ctx) {
    session.set("member", true);
    return { ok: true };
  }

  @get("/members")
  @useGuards(MembersOnly, AsyncStamp)
  members({ session }: Ctx) {
    seen.handler = session;
    session.set("handler_saw", session.get("guard_checks"));
    return { stampedBy: session.get("stamped_by"), checks: session.get("guard_checks") };
  }
}

@module({ controllers: [ApiController] })
class ApiModule {}

function makeClient(store = new CountingStore()) {
  return { store, client: new TestClient(LaurenFactory.create(ApiModule, { logger: false, sessions: { secret: SECRET, store } })) };
}

describe("the Session object in handlers", () => {
  test("get/set/has/delete/keys/entries/size/toJSON behave as a map, and setting undefined deletes", async () => {
    const { client } = makeClient();
    const res = await client.post("/api/tour");
    assert.deepEqual(res.json(), {
      isNew: true,
      id: null,
      modifiedAtStart: false,
      afterSet: { size: 3, has: true, get: { nested: ["x"] }, modified: true },
      deleteMissing: false,
      deleteC: true,
      keys: ["a", "b"],
      entries: [
        ["a", 1],
        ["b", { nested: ["x"] }],
      ],
      copyIsShallowCopy: true,
      json: '{"a":1,"b":{"nested":["x"]}}',
    });
  });

  test("a loaded session reports its id, is not new and not modified until something changes", async () => {
    const { client, store } = makeClient();
    const value = (await client.post("/api/tour")).cookie("lauren_session")?.value as string;
    const state = await client.get("/api/state", { cookies: { lauren_session: value } });
    assert.deepEqual(state.json(), {
      isNew: false,
      modified: false,
      invalidated: false,
      id: unsigned(value),
      data: { a: 1, b: { nested: ["x"] } },
    });
    assert.deepEqual(await store.peek(unsigned(value)), { a: 1, b: { nested: ["x"] } });
  });

  test("clear() empties a stored session and persists that; invalidate() marks it invalidated", async () => {
    const { client, store } = makeClient();
    const value = (await client.post("/api/tour")).cookie("lauren_session")?.value as string;
    const wipe = await client.post("/api/wipe", { cookies: { lauren_session: value } });
    assert.deepEqual(wipe.json(), { size: 0, modified: true, invalidated: false });
    assert.equal(wipe.headers["set-cookie"], undefined);
    assert.deepEqual(await store.peek(unsigned(value)), {}, "the row stays, emptied");
    const leave = await client.post("/api/leave", { cookies: { lauren_session: value } });
    assert.deepEqual(leave.json(), { invalidated: true, size: 0 });
    assert.equal(await store.peek(unsigned(value)), null);
  });

  test("a Session built by hand is a detached map for unit-testing handlers", () => {
    const session = new Session<{ hero_id: number }>({ hero_id: 3 });
    assert.equal(session.get("hero_id"), 3);
    assert.equal(session.isModified, false);
    session.regenerateId();
    assert.match(session.id ?? "", /^[A-Za-z0-9_-]{43}$/);
    assert.equal(session.isModified, true);
  });
});

describe("guards and the session", () => {
  test("guards read and write the same session object as the handler, and their writes persist", async () => {
    const { client, store } = makeClient();
    const denied = await client.get("/api/members");
    assert.equal(denied.status, 403, "no member flag: the guard says no");
    assert.equal(denied.headers["set-cookie"], undefined);

    const value = (await client.post("/api/join")).cookie("lauren_session")?.value as string;
    const res = await client.get("/api/members", { cookies: { lauren_session: value } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { stampedBy: "guard", checks: 1 });
    assert.ok(seen.guard !== null && seen.guard === seen.handler, "one object for guard and handler");
    assert.equal(res.headers["set-cookie"], undefined, "same id: nothing to re-send");
    assert.deepEqual(await store.peek(unsigned(value)), { member: true, guard_checks: 1, stamped_by: "guard", handler_saw: 1 });

    await client.get("/api/members", { cookies: { lauren_session: value } });
    assert.equal((await store.peek(unsigned(value)))?.guard_checks, 2);
  });

  test("a guard's write to a new session is persisted even when the guard denies", async () => {
    class Counter implements Guard {
      canActivate(ctx: ExecutionContext): boolean {
        ctx.session.set("denials", ((ctx.session.get("denials") as number | undefined) ?? 0) + 1);
        return false;
      }
    }
    @controller("/locked")
    class LockedController {
      @get("/")
      @useGuards(Counter)
      locked() {
        return { never: true };
      }
    }
    @module({ controllers: [LockedController] })
    class LockedModule {}
    const store = new CountingStore();
    const client = new TestClient(LaurenFactory.create(LockedModule, { logger: false, sessions: { secret: SECRET, store } }));
    const first = await client.get("/locked/");
    assert.equal(first.status, 403);
    const value = first.cookie("lauren_session")?.value as string;
    assert.ok(value !== undefined, "a 403 is an HttpError: the session is persisted and sent");
    await client.get("/locked/", { cookies: { lauren_session: value } });
    assert.deepEqual(await store.peek(unsigned(value)), { denials: 2 });
  });
});
