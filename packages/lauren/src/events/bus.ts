/**
 * The app's typed event bus: `app.events.on("request", ({ status, durationMs }) => …)`.
 * Listeners run synchronously where the event happens; one that throws is logged and the
 * others still run. A kind of event nobody listens to costs one length check.
 */
import type { Logger } from "../logging/index.js";

export interface RequestEvent {
  readonly method: string;
  readonly path: string;
  /** The matched route template (`/heroes/{id}`), or null for 404s and preflights. */
  readonly route: string | null;
  readonly status: number;
  readonly durationMs: number;
  readonly reqId: string | null;
}

export interface TaskEvent {
  /** The task function's name. */
  readonly task: string;
  readonly reqId: string | null;
}

export interface TaskFailedEvent extends TaskEvent {
  readonly error: unknown;
}

/** Every event the app emits, by name. */
export interface AppEvents {
  /** After `@postConstruct` hooks ran. */
  startup: { readonly at: Date };
  /** Once shutdown completed. */
  shutdown: { readonly at: Date };
  /** A response was written (or the connection dropped). */
  request: RequestEvent;
  taskStarted: TaskEvent;
  taskFailed: TaskFailedEvent;
}

export type AppEventName = keyof AppEvents;
type Listener<K extends AppEventName> = (event: AppEvents[K]) => void;

export class EventBus {
  readonly #listeners: { [K in AppEventName]: Listener<K>[] } = {
    startup: [],
    shutdown: [],
    request: [],
    taskStarted: [],
    taskFailed: [],
  };
  #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends AppEventName>(name: K, listener: Listener<K>): () => void {
    const list = this.#listeners[name] as Listener<K>[];
    if (list === undefined) throw new TypeError(`unknown event "${String(name)}"; known: ${Object.keys(this.#listeners).join(", ")}`);
    list.push(listener);
    return () => this.off(name, listener);
  }

  off<K extends AppEventName>(name: K, listener: Listener<K>): void {
    const list = this.#listeners[name] as Listener<K>[];
    const at = list.indexOf(listener);
    if (at !== -1) list.splice(at, 1);
  }

  /** Whether anyone listens: lets the caller skip building the event. */
  has(name: AppEventName): boolean {
    return this.#listeners[name].length > 0;
  }

  emit<K extends AppEventName>(name: K, event: AppEvents[K]): void {
    const list = this.#listeners[name] as Listener<K>[];
    for (const listener of list) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.error(`a "${name}" event listener failed`, { error });
      }
    }
  }
}
