/**
 * Type tests: a handler's context must agree with the schemas its route declares. This file
 * is compiled by `npm run build` and never run; an unmet `@ts-expect-error` fails the build.
 */
import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";
import { type Ctx, controller, del, get, type ParsedQuery, patch, post, put } from "../../src/index.js";

/** Compiles only when `value` is assignable to `T`. */
function expectType<T>(_value: T): void {}
/** Compiles only when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectTrue<_T extends true>(): void {}

const CreateHero = z.object({ name: z.string(), wattage: z.number().int() });
const LoginBody = z.object({ hero_id: z.number().int() });
const WiderLogin = LoginBody.extend({ power: z.string() });
const HeroParams = z.object({ id: z.coerce.number().int() });
const Page = z.object({ page: z.coerce.number().int() });
const Badge = z.object({ "x-hq-badge": z.string() });

@controller("/typed")
export class MatchingHandlers {
  @post("/", { body: CreateHero, status: 201 })
  recruit({ body }: Ctx<{ body: typeof CreateHero }>) {
    expectTrue<Equal<typeof body, { name: string; wattage: number }>>();
    return body;
  }

  @get("/{id}", { params: HeroParams, query: Page, headers: Badge })
  everything({ params, query, headers }: Ctx<{ params: typeof HeroParams; query: typeof Page; headers: typeof Badge }>) {
    expectTrue<Equal<typeof params, { id: number }>>();
    expectTrue<Equal<typeof query, { page: number }>>();
    expectTrue<Equal<typeof headers, { "x-hq-badge": string }>>();
    return { id: params.id, page: query.page, badge: headers["x-hq-badge"] };
  }

  // A handler may take less than the route checks: the body alone of a route that also has params.
  @put("/{id}", { params: HeroParams, body: CreateHero })
  replace({ body }: Ctx<{ body: typeof CreateHero }>) {
    return body.name;
  }

  // Without schemas the context keeps its loose, unvalidated types.
  @get("/loose/{id}")
  loose({ params, query, headers, body }: Ctx) {
    expectTrue<Equal<typeof params, Readonly<Record<string, string>>>>();
    expectTrue<Equal<typeof query, ParsedQuery>>();
    expectTrue<Equal<typeof headers, IncomingHttpHeaders>>();
    expectTrue<Equal<typeof body, unknown>>();
    return params.id;
  }

  @patch("/none")
  noContext() {
    return { ok: true };
  }

  @del("/async/{id}", { params: HeroParams })
  async asyncHandler({ params }: Ctx<{ params: typeof HeroParams }>) {
    expectType<number>(params.id);
    return null;
  }
}

@controller("/wrong")
export class MismatchedHandlers {
  // The route validates CreateHero, but the handler claims a LoginBody it was never given.
  // @ts-expect-error body schema on the route (CreateHero) disagrees with the handler's (LoginBody)
  @post("/login", { body: CreateHero })
  login({ body }: Ctx<{ body: typeof LoginBody }>) {
    return body.hero_id;
  }

  // @ts-expect-error handler claims typed params, but the route declares no params schema
  @get("/{id}")
  params({ params }: Ctx<{ params: typeof HeroParams }>) {
    return params.id;
  }

  // @ts-expect-error handler claims a typed query, but the route declares no query schema
  @get("/list")
  query({ query }: Ctx<{ query: typeof Page }>) {
    return query.page;
  }

  // @ts-expect-error handler claims typed headers, but the route declares no headers schema
  @get("/badge")
  headers({ headers }: Ctx<{ headers: typeof Badge }>) {
    return headers["x-hq-badge"];
  }

  // @ts-expect-error handler claims a body, but the route has no body schema
  @post("/no-body")
  body({ body }: Ctx<{ body: typeof CreateHero }>) {
    return body.name;
  }

  // @ts-expect-error handler's body schema adds a field (power) that the route never validates
  @post("/wider", { body: LoginBody })
  wider({ body }: Ctx<{ body: typeof WiderLogin }>) {
    return body.power;
  }

  // @ts-expect-error params schema on the route (page) disagrees with the handler's (id)
  @get("/{id}/x", { params: Page })
  otherParams({ params }: Ctx<{ params: typeof HeroParams }>) {
    return params.id;
  }
}

export function readsOnlyDeclaredFields({ body }: Ctx<{ body: typeof CreateHero }>): string {
  // @ts-expect-error CreateHero has no hero_id field
  return body.hero_id;
}
