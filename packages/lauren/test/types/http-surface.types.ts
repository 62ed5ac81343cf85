/**
 * Type tests for forms, uploads and cookies: the context is typed from `form` and `cookies`
 * like it is from `body`, and a handler claiming more than its route checks does not compile.
 */
import { z } from "zod";
import { type Ctx, controller, get, post, UploadedFile } from "../../src/index.js";

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectTrue<_T extends true>(): void {}

const Portrait = z.object({ caption: z.string(), portrait: z.instanceof(UploadedFile) });
const Prefs = z.object({ theme: z.enum(["dark", "light"]) });
const Login = z.object({ hero_id: z.number().int() });
const LoginForm = z.object({ hero_id: z.coerce.number().int() });

@controller("/typed-http")
export class TypedHttp {
  @post("/portrait", { form: Portrait })
  upload({ form }: Ctx<{ form: typeof Portrait }>) {
    expectTrue<Equal<typeof form, { caption: string; portrait: UploadedFile }>>();
    return { size: form.portrait.size };
  }

  @get("/prefs", { cookies: Prefs })
  prefs({ cookies, setCookie }: Ctx<{ cookies: typeof Prefs }>) {
    expectTrue<Equal<typeof cookies, { theme: "dark" | "light" }>>();
    setCookie("seen", "1", { maxAge: 60, sameSite: "strict" });
    return cookies;
  }

  @post("/login", { body: Login, form: LoginForm })
  login({ body }: Ctx<{ body: typeof Login; form: typeof LoginForm }>) {
    // Either schema's output, whichever encoding the client sent.
    expectTrue<Equal<typeof body, z.output<typeof Login> | z.output<typeof LoginForm>>>();
    const id: number = body.hero_id;
    return { id };
  }
}

@controller("/typed-http-bad")
export class Mismatched {
  // @ts-expect-error the route declares no form, so the handler cannot claim a typed one
  @post("/nothing")
  noForm({ form }: Ctx<{ form: typeof Portrait }>) {
    return form.caption;
  }

  // @ts-expect-error the route's cookies schema differs from the handler's
  @get("/other", { cookies: Prefs })
  otherCookies({ cookies }: Ctx<{ cookies: typeof Login }>) {
    return cookies.hero_id;
  }

  @get("/bad-option")
  badOption(ctx: Ctx) {
    // @ts-expect-error sameSite takes lax, strict or none only
    ctx.setCookie("a", "b", { sameSite: "sometimes" });
  }
}
