/**
 * WebSocket gateway decorators. Like the HTTP ones they only record metadata; the factory
 * compiles it into a dispatch table at start-up (see compile.ts).
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { registerControllerKind } from "../../app/compile-routes.js";
import { assertCalled, assertKind } from "../../decorators/usage.js";
import type { Class } from "../../di/token.js";
import { DecoratorUsageError } from "../../errors/index.js";
import { metaFrom, methodMetaFrom } from "../../metadata/index.js";
import type { WsCloseInfo, WsCtx } from "./context.js";

export const WS_CONTROLLER = Symbol("lauren.wsController");
export const WS_CONNECT = Symbol("lauren.wsConnect");
export const WS_DISCONNECT = Symbol("lauren.wsDisconnect");
export const WS_MESSAGE = Symbol("lauren.wsMessage");

// Modules list gateways among their controllers; the HTTP route compiler must skip them.
registerControllerKind(WS_CONTROLLER);

export interface WsControllerOptions {
  /** Largest message accepted, in bytes; a bigger one closes the socket with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Milliseconds between pings; a peer that missed the previous pong is dropped. `false` turns it off. Default 30 000. */
  heartbeatInterval?: number | false;
  /**
   * Origins whose pages may open this gateway, besides the app's own host
   * (`["https://hq.example"]`); others get a 403. `"*"` turns the check off.
   * Default: the app's `wsAllowedOrigins` (same-origin only unless set).
   */
  allowedOrigins?: readonly string[] | "*";
  /** `false`: do not load the session for this gateway's connections. */
  sessions?: boolean;
  /** Bytes a client may leave unread before it is dropped as too slow. Default 4 MiB. */
  maxBufferedBytes?: number;
}

export interface WsControllerMeta {
  readonly path: string;
  readonly options: WsControllerOptions;
}

export interface WsMessageOptions {
  /** A Standard Schema (zod, valibot…) the message's payload must satisfy. */
  data?: StandardSchemaV1;
}

export interface WsMessageMeta {
  readonly event: string;
  readonly options: WsMessageOptions;
}

/** Declares a WebSocket gateway served at `path`; one instance is built per connection. */
export function wsController(path = "/", options: WsControllerOptions = {}) {
  assertCalled("wsController", path, options, '@wsController("/comms")');
  return (_target: Class<unknown>, context: ClassDecoratorContext): void => {
    assertKind("wsController", context, ["class"]);
    metaFrom(context.metadata).kinds.set(WS_CONTROLLER, { path, options } satisfies WsControllerMeta);
  };
}

type Hook<D> = <This, R>(
  target: (this: This, ctx: WsCtx<D>) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ctx: WsCtx<D>) => R>,
) => void;

function hook<D>(name: string, kind: symbol): Hook<D> {
  return (target, context) => {
    if (typeof target !== "function" || typeof context !== "object" || context === null) {
      throw new DecoratorUsageError(`@${name} takes no arguments: write @${name} above a method, not @${name}().`);
    }
    assertKind(name, context, ["method"]);
    if (context.static) throw new DecoratorUsageError(`@${name} cannot decorate a static method.`);
    methodMetaFrom(context.metadata, context.name).kinds.set(kind, true);
  };
}

/** Runs when a client has connected (after guards and the handshake). */
export const onConnect: Hook<undefined> = hook("onConnect", WS_CONNECT);
/** Runs once the connection closed, whoever closed it; `data` is `{ code, reason }`. */
export const onDisconnect: Hook<WsCloseInfo> = hook("onDisconnect", WS_DISCONNECT);

/** The payload type a message handler receives: the schema's output, or unknown. */
export type MessageData<O> = O extends { readonly data: infer S extends StandardSchemaV1 } ? StandardSchemaV1.InferOutput<S> : unknown;

/**
 * Handles text frames `{"event": "<event>", "data": …}`. The handler's `data` is the
 * frame's `data` field when present, else the whole frame; with `{ data: Schema }` it is
 * validated first and typed by the schema. `"*"` catches events no other handler takes.
 */
export function onMessage<const O extends WsMessageOptions = {}>(event: string, options?: O): Hook<MessageData<O>> {
  assertCalled("onMessage", event, options, '@onMessage("chat")');
  if (typeof event !== "string" || event === "") {
    throw new DecoratorUsageError('@onMessage needs the event name it handles: @onMessage("chat").');
  }
  return (_target, context) => {
    assertKind("onMessage", context, ["method"]);
    if (context.static) throw new DecoratorUsageError("@onMessage cannot decorate a static method.");
    const meta = methodMetaFrom(context.metadata, context.name);
    const events = (meta.kinds.get(WS_MESSAGE) as WsMessageMeta[] | undefined) ?? [];
    meta.kinds.set(WS_MESSAGE, [...events, { event, options: options ?? {} }]);
  };
}
