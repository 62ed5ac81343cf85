/**
 * One open connection: its gateway instance, its message queue and its heartbeat state.
 * Messages are handled one at a time, in arrival order, after `@onConnect` finished; when
 * too many wait, the socket is paused so a fast sender cannot queue work without bound.
 */
import type { WebSocket } from "ws";
import type { Logger } from "../../app/logger.js";
import { HttpError } from "../../errors/index.js";
import { ExecutionContext, type RouteDescriptor } from "../../guards/execution-context.js";
import type { AppSession } from "../../http/context.js";
import { parseJson } from "../../http/json-body.js";
import { Reply } from "../../http/reply.js";
import { withFields } from "../../logging/index.js";
import { type ExceptionHandlerTable, findExceptionHandler } from "../../pipeline/exception-handlers.js";
import { runInterceptors } from "../../pipeline/interceptors.js";
import { issuesOut } from "../../validation/index.js";
import type { CompiledGateway, CompiledMessage } from "./compile.js";
import { NOTIFY_CLOSED, WebSocketClosedError, type WebSocketConnection } from "./connection.js";
import { type ConnectionScope, WsContext } from "./context.js";
import { errorFrame, WebSocketValidationError } from "./errors.js";

/** Waiting messages above which the socket stops reading, and below which it reads again. */
const PAUSE_AT = 32;
const RESUME_AT = 4;
const FRAGMENT = 120;

type Handler = (ctx: WsContext<unknown>) => unknown;

export class ConnectionRunner {
  readonly #gateway: CompiledGateway;
  readonly #socket: WebSocket;
  readonly #scope: ConnectionScope;
  readonly #instance: Record<string | symbol, unknown>;
  readonly #logger: Logger;
  readonly #maxJsonDepth: number;
  #tail: Promise<void> = Promise.resolve();
  #queued = 0;
  /** Cleared by each heartbeat, set by each pong: still false at the next beat = dead peer. */
  #alive = true;
  /** Settles once the socket closed and `@onDisconnect` ran. */
  readonly finished: Promise<void>;
  #finish: () => void = () => undefined;

  constructor(gateway: CompiledGateway, socket: WebSocket, scope: ConnectionScope, instance: object, logger: Logger, maxJsonDepth: number) {
    this.#gateway = gateway;
    this.#socket = socket;
    this.#scope = scope;
    this.#instance = instance as Record<string | symbol, unknown>;
    this.#logger = logger;
    this.#maxJsonDepth = maxJsonDepth;
    this.finished = new Promise((resolve) => {
      this.#finish = resolve;
    });
  }

  get connection(): WebSocketConnection {
    return this.#scope.ws;
  }

  start(): void {
    const socket = this.#socket;
    socket.on("message", this.#onMessage);
    socket.on("pong", this.#onPong);
    // ws reports protocol errors (oversized or invalid frames) here, then closes the socket itself.
    socket.on("error", (error: Error) => this.#logger.warn(`${this.#gateway.label}: ${error.message}`));
    socket.once("close", this.#onClose);
    if (this.#gateway.onConnect !== null) this.#enqueue(() => this.#connect(this.#gateway.onConnect as string | symbol));
  }

  heartbeat(): void {
    if (!this.#alive) {
      this.#socket.terminate();
      return;
    }
    this.#alive = false;
    this.#socket.ping();
  }

  readonly #onPong = (): void => {
    this.#alive = true;
  };

  readonly #onMessage = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    if (isBinary) {
      this.#enqueue(() =>
        this.#reject(new WebSocketValidationError("binary frames are not supported; send JSON text frames", { size: bytes.length }), null),
      );
      return;
    }
    const text = bytes.toString("utf8");
    this.#enqueue(() => this.#dispatch(text));
  };

  readonly #onClose = (code: number, reason: Buffer): void => {
    this.#socket.off("message", this.#onMessage);
    this.#socket.off("pong", this.#onPong);
    this.#scope.ws[NOTIFY_CLOSED]();
    const hook = this.#gateway.onDisconnect;
    if (hook !== null) {
      const info = { code, reason: reason.toString("utf8") };
      this.#enqueue(async () => {
        try {
          await this.#call(hook, info);
        } catch (error) {
          this.#logger.error(`${this.#gateway.label}: @onDisconnect failed`, { error });
        }
      });
    }
    this.#tail.then(this.#finish);
  };

  #enqueue(work: () => Promise<void>): void {
    this.#queued++;
    if (this.#queued > PAUSE_AT && !this.#socket.isPaused) this.#socket.pause();
    this.#tail = this.#tail.then(work).then(this.#dequeued, (error: unknown) => {
      this.#logger.error(`${this.#gateway.label}: unexpected failure`, { error });
      this.#dequeued();
    });
  }

  readonly #dequeued = (): void => {
    this.#queued--;
    if (this.#queued <= RESUME_AT && this.#socket.isPaused) this.#socket.resume();
  };

  async #connect(hook: string | symbol): Promise<void> {
    try {
      await this.#call(hook, undefined);
    } catch (thrown) {
      const { frame, unexpected } = errorFrame(thrown);
      if (unexpected) {
        this.#logger.error(`${this.#gateway.label}: @onConnect failed; closing the connection`, { error: thrown });
        this.#scope.ws.close(1011, "internal error");
      } else {
        this.#send(frame);
        this.#scope.ws.close(1008, "connection refused");
      }
    }
  }

  async #dispatch(text: string): Promise<void> {
    if (!this.#scope.ws.isOpen) return;
    let frame: unknown;
    try {
      // The HTTP body's parser: no prototype keys, bounded depth, linear time.
      frame = parseJson(text, this.#maxJsonDepth);
    } catch (error) {
      return this.#reject(
        new WebSocketValidationError(
          `invalid JSON frame: ${error instanceof SyntaxError ? error.message : "the frame could not be parsed"}`,
          { fragment: text.slice(0, FRAGMENT) },
        ),
        null,
      );
    }
    if (typeof frame !== "object" || frame === null || Array.isArray(frame)) {
      return this.#reject(
        new WebSocketValidationError("frame must be a JSON object with an 'event' field", { received: typeName(frame) }),
        null,
      );
    }
    const fields = frame as Record<string, unknown>;
    const event = fields.event;
    if (typeof event !== "string") {
      return this.#reject(new WebSocketValidationError("frame missing required 'event' field", { frame_keys: Object.keys(fields) }), null);
    }
    const handler: CompiledMessage | undefined = this.#gateway.messages.get(event) ?? this.#gateway.messages.get("*");
    if (handler === undefined) {
      return this.#reject(new WebSocketValidationError(`no handler for event '${event}'`, { event, known: this.#gateway.known }), event);
    }
    // `data` is the conventional payload; without it the whole frame is the payload.
    let payload: unknown = Object.hasOwn(fields, "data") ? fields.data : fields;
    try {
      if (handler.schema !== null) payload = await validateMessage(handler.schema, event, payload);
      if (handler.interceptors === null) await this.#call(handler.method, payload);
      else await this.#intercepted(handler, event, payload);
    } catch (thrown) {
      if (thrown instanceof WebSocketClosedError) return;
      await this.#fail(thrown, handler.exceptionHandlers, event, handler.descriptor);
    }
  }

  /** A frame that reaches no message handler: the gateway's and the app's exception handlers may answer it. */
  #reject(error: WebSocketValidationError, event: string | null): Promise<void> {
    return this.#fail(error, this.#gateway.exceptionHandlers, event, this.#gateway.descriptor);
  }

  /**
   * Answers an error with one frame, as HTTP answers with a response: the exception handler
   * bound to its nearest class (message handler, gateway, app) decides; without one, or when
   * it rethrows, the error envelope. Unexpected errors are logged and never sent.
   */
  async #fail(thrown: unknown, table: ExceptionHandlerTable | null, event: string | null, route: RouteDescriptor): Promise<void> {
    const handler = table === null ? null : findExceptionHandler(table, thrown);
    const where = event === null ? `${this.#gateway.label}: a frame` : `${this.#gateway.label}: the '${event}' handler`;
    if (handler !== null) {
      const request = this.#scope.request;
      const log = request.id === null ? this.#logger : withFields(this.#logger, { reqId: request.id });
      try {
        let out = handler.fn(thrown, { request, route, requestId: request.id, log, ws: this.#scope.ws, event });
        if (out instanceof Promise) out = await out;
        if (out instanceof Reply) {
          // The reply's body is the frame; status and headers mean nothing on an open socket.
          if (out.body !== undefined && out.body !== null) this.#send(typeof out.body === "string" ? out.body : JSON.stringify(out.body));
          return;
        }
        if (!(out instanceof HttpError)) {
          this.#logger.error(`${where} failed, and exception handler ${handler.name} returned neither a reply nor an HttpError`, {
            error: thrown,
          });
          this.#send(errorFrame(thrown).frame);
          return;
        }
        thrown = out;
      } catch (rethrown) {
        thrown = rethrown;
      }
    }
    const { frame, unexpected } = errorFrame(thrown);
    if (unexpected) this.#logger.error(`${where} failed`, { error: thrown });
    this.#send(frame);
  }

  #send(frame: string): void {
    if (!this.#scope.ws.isOpen) return;
    try {
      this.#scope.ws.send(frame);
    } catch {
      // The peer is gone or too slow and was dropped; its close handler does the rest.
    }
  }

  /** The message handler inside its interceptors; they see a "ws" ExecutionContext. */
  async #intercepted(handler: CompiledMessage, event: string, data: unknown): Promise<void> {
    const ctx = new WsContext(this.#scope, data);
    const host = {
      request: ctx.request,
      state: {},
      ws: ctx.ws,
      data,
      get session() {
        return ctx.session as unknown as AppSession;
      },
    };
    const ec = new ExecutionContext(host, handler.descriptor, "ws", event);
    const fn = this.#instance[handler.method] as Handler;
    await runInterceptors(handler.interceptors ?? [], ec, () => fn.call(this.#instance, ctx));
  }

  async #call(method: string | symbol, data: unknown): Promise<void> {
    const fn = this.#instance[method] as Handler;
    const result = fn.call(this.#instance, new WsContext(this.#scope, data));
    if (result instanceof Promise) await result;
  }
}

async function validateMessage(schema: NonNullable<CompiledMessage["schema"]>, event: string, payload: unknown): Promise<unknown> {
  const result = await schema["~standard"].validate(payload);
  if (result.issues === undefined) return result.value;
  throw new WebSocketValidationError("validation error", { event, errors: issuesOut(result.issues) });
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
