// One server for the HTTP-surface benchmark, in its own process: a 64 KiB static file and a
// 1 MiB multipart upload, on Lauren, Fastify (@fastify/static, @fastify/multipart) or Express
// (express.static). Prints "listening <port>" once ready. TypeScript (decorators) run by tsx:
// node --import tsx peers/http-surface.ts <name> <dir>
import { type Ctx, controller, LaurenFactory, module, post, UploadedFile } from "lauren";
import { z } from "zod";

const [name, dir] = process.argv.slice(2);
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
  const app = LaurenFactory.create(BenchModule, { logger: false, staticFiles: { directory: dir, prefix: "/static" } });
  return (await app.listen({ port: 0 })).port;
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
  await app.listen({ port: 0, host: "127.0.0.1" });
  return (app.server.address() as { port: number }).port;
}

async function express() {
  const { default: Express } = await import("express");
  const app = Express();
  app.use("/static", Express.static(dir));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return (server.address() as { port: number }).port;
}

const servers: Record<string, () => Promise<number>> = { lauren, fastify, express };
const start = servers[name ?? ""];
if (start === undefined || dir === undefined) throw new Error("usage: http-surface.ts <lauren|fastify|express> <dir>");
const port = await start();
console.log(`listening ${port}`);
