// One server for the HTTP-surface scenarios, in its own process: a static file from a folder
// (GET /static/<file>) and a multipart upload read into memory (POST /upload), on Lauren,
// Fastify (@fastify/static, @fastify/multipart) or Express (express.static). TypeScript
// (decorators) run by tsx:
//   BENCH_SURFACE=lauren BENCH_STATIC_DIR=/tmp/x PORT=3005 node --import tsx bench/peers/http-surface.ts
import { type Ctx, controller, LaurenFactory, module, post, UploadedFile } from "lauren";
import { z } from "zod";

const name = process.env.BENCH_SURFACE;
const dir = process.env.BENCH_STATIC_DIR;
const port = Number(process.env.PORT ?? 3005);
const host = process.env.HOST ?? "127.0.0.1";
const Upload = z.object({ file: z.instanceof(UploadedFile) });

async function lauren() {
  @controller("/")
  class UploadController {
    @post("/upload", { form: Upload, limits: { fileSize: 2 * 1024 * 1024, memoryThreshold: 2 * 1024 * 1024 } })
    upload({ form }: Ctx<{ form: typeof Upload }>) {
      return { size: form.file.size };
    }
  }
  @module({ controllers: [UploadController] })
  class BenchModule {}
  const app = LaurenFactory.create(BenchModule, { logger: false, staticFiles: { directory: dir as string, prefix: "/static" } });
  await app.listen({ port, host });
}

async function fastify() {
  const { default: Fastify } = await import("fastify");
  const app = Fastify({ logger: false });
  await app.register((await import("@fastify/static")).default, { root: dir, prefix: "/static/" });
  await app.register((await import("@fastify/multipart")).default, { limits: { fileSize: 2 * 1024 * 1024 } });
  app.post("/upload", async (req) => {
    const part = await req.file();
    const bytes = await part!.toBuffer();
    return { size: bytes.length };
  });
  await app.listen({ port, host });
}

async function express() {
  const { default: Express } = await import("express");
  const app = Express();
  app.use("/static", Express.static(dir));
  const server = app.listen(port, host);
  await new Promise((resolve) => server.once("listening", resolve));
}

const servers: Record<string, () => Promise<void>> = { lauren, fastify, express };
const start = servers[name ?? ""];
if (start === undefined || dir === undefined) throw new Error("set BENCH_SURFACE=lauren|fastify|express and BENCH_STATIC_DIR");
await start();
