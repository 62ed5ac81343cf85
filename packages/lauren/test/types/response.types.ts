/**
 * Type tests: a handler's return value must fit the response schema its route declares.
 * Compiled by `npm run build`, never run; an unmet `@ts-expect-error` fails the build.
 */
import { Readable } from "node:stream";
import { z } from "zod";
import { type Ctx, controller, EventStream, file, fileOf, get, ndjson, ndjsonOf, post, reply, stream } from "../../src/index.js";

const Hero = z.object({ id: z.number().int(), name: z.string() });
const Params = z.object({ id: z.coerce.number().int() });

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
}
