/**
 * Type tests: a handler's return value must fit the response schema its route declares.
 * Compiled by `npm run build`, never run; an unmet `@ts-expect-error` fails the build.
 */
import { Readable } from "node:stream";
import { z } from "zod";
import { type Ctx, controller, EventStream, file, fileOf, get, ndjson, ndjsonOf, post, redirect, reply, stream } from "../../src/index.js";

const Hero = z.object({ id: z.number().int(), name: z.string() });
const Params = z.object({ id: z.coerce.number().int() });
const Missing = z.object({ id: z.number().int(), reason: z.string() });
const Problem = z.object({ problem: z.string() });

@controller("/returns")
export class ReturnTypes {
  @get("/", { response: z.array(Hero) })
  list() {
    return [{ id: 1, name: "Nyx" }];
  }

  // Extra fields compile (the serializer drops them at run time): a stored record may hold more.
  @get("/{id}", { params: Params, response: Hero })
  async one({ params }: Ctx<{ params: typeof Params }>) {
    return { id: params.id, name: "Nyx", secret_identity: "Jane" };
  }

  // A reply or any other HttpResponse stays allowed: it sets its own status and headers.
  @post("/", { response: Hero, status: 201 })
  created() {
    return reply({ id: 2, name: "Vex" }, { status: 201, headers: { location: "/returns/2" } });
  }

  @get("/events", { response: Hero, produces: "text/event-stream" })
  events() {
    return new EventStream([{ id: 1, name: "Nyx" }]);
  }

  @get("/raw", { response: z.string(), produces: "application/x-ndjson" })
  raw() {
    return stream(Readable.from(["{}\n"]));
  }

  // Without a response schema anything goes.
  @get("/loose")
  loose() {
    return { anything: true };
  }

  // @ts-expect-error: `name` is declared a string.
  @get("/wrong", { response: Hero })
  wrong() {
    return { id: 1, name: 42 };
  }

  // @ts-expect-error: `name` is required.
  @get("/missing", { response: Hero })
  async missing() {
    return { id: 1 };
  }

  // @ts-expect-error: an array where one object is declared.
  @get("/shape", { response: Hero })
  shape() {
    return [{ id: 1, name: "Nyx" }];
  }

  // Declared a file or a stream: a response, bytes or a stream, not a JSON value.
  @get("/file", { response: fileOf("image/png") })
  picture() {
    return file(Buffer.from([1]), { type: "image/png" });
  }

  @get("/lines", { response: ndjsonOf(Hero) })
  async lines() {
    return ndjson([{ id: 1, name: "Nyx" }]);
  }

  @get("/generated", { response: ndjsonOf(Hero) })
  async *generated() {
    yield "{}\n";
  }

  // @ts-expect-error: a file route cannot answer a plain object.
  @get("/not-a-file", { response: fileOf("image/png") })
  notAFile() {
    return { id: 1 };
  }

  // @ts-expect-error: an NDJSON line's `name` is declared a string.
  @get("/lines/bad", { response: ndjsonOf(Hero) })
  badLines() {
    return ndjson([{ id: 1, name: 42 }]);
  }

  // Each line may carry more (the serializer drops it), and a schema-less ndjsonOf() checks nothing.
  @get("/lines/extra", { response: ndjsonOf(Hero) })
  extraLines() {
    return ndjson([{ id: 1, name: "Nyx", secret_identity: "Jane" }]);
  }

  @get("/lines/any", { response: ndjsonOf() })
  anyLines() {
    return ndjson([{ anything: true }]);
  }
}

/** Per-status schemas: a reply's body must fit the schema declared for its status. */
@controller("/statuses")
export class StatusTypes {
  @get("/{id}", { params: Params, response: Hero, responses: { 404: Missing, "5XX": Problem, 409: "Taken" } })
  async lookup({ params }: Ctx<{ params: typeof Params }>) {
    if (params.id === 0) return reply({ id: 0, reason: "never recruited" }, { status: 404 });
    if (params.id === 1) return reply({ problem: "the roster is down" }, { status: 503 });
    if (params.id === 2) return reply({ anything: "a description declares no body" }, { status: 409 });
    if (params.id === 3) return reply({ anything: "no entry for 202" }, { status: 202 });
    if (params.id === 4) return redirect("/statuses/1");
    return { id: params.id, name: "Nyx" };
  }

  // @ts-expect-error: the 404 body needs `reason`.
  @get("/missing", { response: Hero, responses: { 404: Missing } })
  missing() {
    return reply({ id: 0 }, { status: 404 });
  }

  // @ts-expect-error: "5XX" governs a 503, and `problem` is a string.
  @get("/range", { responses: { "5XX": Problem } })
  range() {
    return reply({ problem: 503 }, { status: 503 });
  }

  // @ts-expect-error: the default entry governs statuses nothing else declares.
  @get("/default", { responses: { default: { description: "Any other", schema: Problem } } })
  fallback() {
    return reply({ nope: true }, { status: 418 });
  }

  // @ts-expect-error: a reply without a status is a 200, governed by `response`.
  @get("/implicit", { response: Hero })
  implicit() {
    return reply({ id: "one" });
  }

  // No `response`: the entry for the route's own status governs plain values.
  @post("/", { status: 201, responses: { 201: Hero } })
  created() {
    return { id: 2, name: "Vex" };
  }

  // @ts-expect-error: the 201 entry declares `name`.
  @post("/bad", { status: 201, responses: { 201: Hero } })
  badCreated() {
    return { id: 2 };
  }

  // A status only known at run time cannot be checked, so it is not.
  @get("/dynamic", { response: Hero, responses: { 404: Missing } })
  dynamic() {
    const status: number = Math.random() > 0.5 ? 404 : 410;
    return reply({ whatever: true }, { status });
  }
}
