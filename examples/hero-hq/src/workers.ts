/** Several worker processes behind one port, with node:cluster. */
import cluster, { type Worker } from "node:cluster";

// --8<-- [start:code]
/**
 * Runs `serve` in `count` worker processes that share one listening port (the primary hands
 * out connections). SIGTERM or SIGINT to the primary stops every worker gracefully (each
 * drains its requests) and then the primary; a worker that dies otherwise is replaced.
 */
export async function runWorkers(count: number, serve: () => Promise<void>): Promise<void> {
  if (count <= 1 || cluster.isWorker) return serve();
  let stopping = false;
  const fork = (): Worker =>
    cluster.fork().on("exit", (code, signal) => {
      if (stopping) return;
      console.error(`worker ${code ?? signal} exited unexpectedly; starting another`);
      fork();
    });
  for (let i = 0; i < count; i++) fork();
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    let failed = false;
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) {
      worker.once("exit", (code) => {
        failed ||= code !== 0;
        if (--left === 0) process.exit(failed ? 1 : 0);
      });
      worker.process.kill("SIGTERM");
    }
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
// --8<-- [end:code]
