/**
 * Background tasks run after the response has been sent, one after another. A failing task
 * is logged and the next one still runs: the client already has its answer.
 */
import type { Logger } from "../app/logger.js";
import type { EventBus } from "../events/index.js";

type Task = { fn: (...args: never[]) => unknown; args: unknown[] };

export class BackgroundTasks {
  readonly #tasks: Task[] = [];

  /** Queues `fn(...args)` to run after the response is sent. */
  add<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
    this.#tasks.push({ fn: fn as (...args: never[]) => unknown, args });
  }

  get size(): number {
    return this.#tasks.length;
  }

  /** Runs the queued tasks in order; used by the framework once the response is out. */
  async run(logger: Logger, events: EventBus | null = null, reqId: string | null = null): Promise<void> {
    for (const task of this.#tasks.splice(0)) {
      const name = task.fn.name || "<anonymous>";
      try {
        if (events?.has("taskStarted")) events.emit("taskStarted", { task: name, reqId });
        await (task.fn as (...args: unknown[]) => unknown)(...task.args);
      } catch (err) {
        logger.error(`background task ${name} failed`, { error: err });
        if (events?.has("taskFailed")) events.emit("taskFailed", { task: name, reqId, error: err });
      }
    }
  }
}
