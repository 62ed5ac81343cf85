/**
 * One Redis connection shared by the stores and the broadcast adapter of an app. Every
 * command is bounded by `commandTimeout` and fails at once while Redis is away (no offline
 * queue), so a request never hangs on Redis: the session engine answers 503 and the client
 * keeps reconnecting in the background, which is how the app recovers without a restart.
 */
import { ConfigurationError, type Logger } from "lauren";
import { createClient, type RedisClientOptions } from "redis";

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…` for TLS. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prepended to every key and channel, so several apps can share one Redis. Default `"lauren:"`. */
  prefix?: string;
  /** Longest a command may take before it fails, in milliseconds. Default 1000. */
  commandTimeout?: number;
  /** Longest a (re)connection attempt may take, in milliseconds. Default 2000. */
  connectTimeout?: number;
  /** Longest pause between reconnection attempts, in milliseconds. Default 2000. */
  maxReconnectDelay?: number;
  /** Where connection loss and recovery are reported. Default: the console; `false` silences it. */
  logger?: Logger | false;
  /** Extra node-redis client options (TLS certificates, ACL user, RESP version…). */
  clientOptions?: RedisClientOptions;
}

export type RedisClient = ReturnType<typeof createClient>;

const consoleLogger: Logger = {
  info: (message, fields) => console.info(message, fields ?? ""),
  warn: (message, fields) => console.warn(message, fields ?? ""),
  error: (message, fields) => console.error(message, fields ?? ""),
};
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (Number.isSafeInteger(value) && value > 0) return value;
  throw new ConfigurationError(`RedisConnection ${name} must be a positive whole number of milliseconds, got ${String(value)}.`);
}

/** Checks the URL's scheme up front: a typo must fail at start-up, not on the first request. */
function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(`RedisConnection url is not a URL: use redis://host:6379 or rediss://host:6380 (TLS).`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ConfigurationError(`RedisConnection url must start with redis:// or rediss:// (TLS), got ${parsed.protocol}//.`);
  }
  return url;
}

export class RedisConnection {
  /** The node-redis client; use it for your own commands (keys are not prefixed for you). */
  readonly client: RedisClient;
  readonly prefix: string;
  readonly url: string;
  readonly logger: Logger;
  readonly #options: RedisConnectionOptions;
  readonly #timeout: number;
  readonly #connecting: Promise<void>;
  /** The pub/sub connection, shared by the broadcast adapter and the stores' change feeds. */
  #subscriber: RedisClient | null = null;
  #subscriberConnected: Promise<void> | null = null;
  /** The chain of pending subscribe/unsubscribe calls, so they apply in order. */
  #subscriptions: Promise<void> = Promise.resolve();
  #down = false;
  #closed = false;
  #everReady = false;

  constructor(options: RedisConnectionOptions = {}) {
    this.#options = options;
    this.url = checkUrl(options.url ?? "redis://127.0.0.1:6379");
    this.prefix = options.prefix ?? "lauren:";
    if (typeof this.prefix !== "string") throw new ConfigurationError("RedisConnection prefix must be a string.");
    this.logger = options.logger === false ? silent : (options.logger ?? consoleLogger);
    this.#timeout = positive(options.commandTimeout, 1000, "commandTimeout");
    this.client = this.#create();
    this.#watch(this.client, "commands");
    this.client.once("ready", () => {
      this.#everReady = true;
    });
    this.#connecting = this.client.connect().then(
      () => undefined,
      (error: unknown) => {
        // Only reached when closed before the first connection; reconnection failures retry.
        if (!this.#closed) this.logger.error("redis: could not connect", { url: redact(this.url), error });
      },
    );
  }

  /** Resolves once the first connection is up (or after `timeout` ms, `false`): await it before `listen()`. */
  async ready(timeout = 10_000): Promise<boolean> {
    if (this.client.isReady) return true;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeout);
    });
    try {
      return await Promise.race([this.#connecting.then(() => this.client.isReady), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Calls `listener` with every message published on `channel` (give the full name, prefix
   * included: `key("bc", name)`). All subscriptions of a connection share one second client
   * (a subscribed client runs no other commands), opened on first use; node-redis subscribes
   * again by itself after a reconnection. A failure is logged, never thrown.
   */
  subscribe(channel: string, listener: (message: string) => void): void {
    this.#enqueue((sub) => sub.subscribe(channel, listener));
  }

  /** Removes a listener given to `subscribe`. */
  unsubscribe(channel: string, listener: (message: string) => void): void {
    if (this.#subscriber === null) return;
    this.#enqueue((sub) => sub.unsubscribe(channel, listener));
  }

  /** Resolves once every `subscribe`/`unsubscribe` asked for so far is in place (for start-up and tests). */
  async subscriptionsReady(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.#subscriptions;
      await last;
    } while (last !== this.#subscriptions);
  }

  /**
   * Runs pub/sub changes one after the other, on the subscriber client (connected on first
   * use). node-redis queues pub/sub changes made while it reconnects (the offline queue it
   * has off is for other commands) and applies them once it is back.
   */
  #enqueue(change: (sub: RedisClient) => Promise<void>): void {
    if (this.#closed) return;
    if (this.#subscriber === null) {
      const sub = this.duplicate("subscriptions");
      this.#subscriber = sub;
      this.#subscriberConnected = sub.connect().then(() => undefined);
    }
    const sub = this.#subscriber;
    const connected = this.#subscriberConnected as Promise<void>;
    this.#subscriptions = this.#subscriptions
      .then(() => connected)
      .then(() => change(sub))
      .catch((error: unknown) => {
        if (!this.#closed) this.logger.error("redis: subscribing to a channel failed", { error });
      });
  }

  /** A second client with the same settings (e.g. for your own pub/sub); close it yourself. */
  duplicate(purpose: string): RedisClient {
    const client = this.#create();
    this.#watch(client, purpose);
    return client;
  }

  /**
   * Runs one raw command (`["HGET", key, field]`), failing after `commandTimeout`. The bound
   * is ours: node-redis times out a command only until it is written, so a Redis that hangs
   * after reading it would hold the request forever. A late reply is discarded.
   */
  command(args: readonly string[]): Promise<unknown> {
    // Right after start-up, wait (within the timeout) for the first connection rather than fail.
    if (!this.#everReady) return this.ready(this.#timeout).then(() => this.#send(args));
    return this.#send(args);
  }

  #send(args: readonly string[]): Promise<unknown> {
    const reply = this.client.sendCommand(args);
    const timeout = this.#timeout;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new RedisTimeoutError(String(args[0]), timeout)), timeout);
      reply.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** Key names: the connection's prefix, then the store's part. */
  key(...parts: string[]): string {
    return this.prefix + parts.join(":");
  }

  /** Closes the connection and its subscriber (pending commands finish first). Call it from the app's shutdown. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const sub = this.#subscriber;
    this.#subscriber = null;
    if (sub !== null) await closeClient(sub);
    await closeClient(this.client);
  }

  #create(): RedisClient {
    const options = this.#options;
    const connectTimeout = positive(options.connectTimeout, 2000, "connectTimeout");
    const maxDelay = positive(options.maxReconnectDelay, 2000, "maxReconnectDelay");
    const extra = options.clientOptions ?? {};
    return createClient({
      ...extra,
      url: this.url,
      // Fail fast while disconnected: a queued command would hold a request until Redis returns.
      disableOfflineQueue: true,
      // A hung Redis must not grow the queue of unanswered commands without bound.
      commandsQueueMaxLength: extra.commandsQueueMaxLength ?? 10_000,
      socket: {
        ...(extra.socket as object | undefined),
        connectTimeout,
        // Never give up: the app must recover on its own when Redis comes back.
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), maxDelay) + Math.floor(Math.random() * 50),
      },
    } as RedisClientOptions) as RedisClient;
  }

  /** Logs one line when a client loses Redis and one when it is back, not one per retry. */
  #watch(client: RedisClient, purpose: string): void {
    let down = false;
    client.on("error", (error: unknown) => {
      if (down || this.#closed) return;
      down = true;
      this.#down = true;
      this.logger.warn(`redis: connection for ${purpose} lost; retrying in the background`, {
        url: redact(this.url),
        error: String(error),
      });
    });
    client.on("ready", () => {
      if (!down) return;
      down = false;
      this.#down = false;
      this.logger.info(`redis: connection for ${purpose} restored`, { url: redact(this.url) });
    });
  }

  /** `true` while the command connection is known to be away. */
  get down(): boolean {
    return this.#down || !this.client.isReady;
  }
}

/** A command that got no answer within `commandTimeout`. */
export class RedisTimeoutError extends Error {
  constructor(command: string, timeout: number) {
    super(`redis: ${command} got no answer within ${timeout} ms`);
    this.name = "RedisTimeoutError";
  }
}

/** Closes a client whether or not it is connected: a connected one after its pending replies, one still (re)connecting at once. */
export async function closeClient(client: RedisClient): Promise<void> {
  try {
    if (client.isReady) await client.close();
    else if (client.isOpen) client.destroy();
  } catch {
    client.destroy();
  }
}

/** The URL without its password, for logs. */
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString();
}
