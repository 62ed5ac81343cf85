/**
 * Rooms of WebSocket connections. Subclass it and mark the subclass `@injectable()` to get
 * one app-wide group per subclass (`class CommsRoom extends BroadcastGroup {}`). The
 * mutating methods are async so they fit any transport. With an adapter (the app option
 * `broadcast`, or `useAdapter()`), a message also reaches the members in every other process;
 * `members` and `count` describe this process's connections.
 */
import type { BroadcastAdapter, BroadcastLink } from "./broadcast-adapter.js";
import { SEND_TEXT_BYTES, WebSocketClosedError, type WebSocketConnection } from "./connection.js";
import { type BroadcastListenOptions, RoomFeed } from "./room-feed.js";

export interface BroadcastOptions {
  /** A connection that should not receive this message (usually the sender). */
  exclude?: WebSocketConnection | null;
}

export interface BroadcastGroupOptions {
  /** Carries messages to the other processes. */
  adapter?: BroadcastAdapter;
  /** The group's name on the adapter, the same in every process. Default: the class name. */
  channel?: string;
}

export class BroadcastGroup {
  readonly #rooms = new Map<string, Set<WebSocketConnection>>();
  /** Per connection: its rooms, and how to cancel the auto-leave on close. */
  readonly #memberships = new Map<WebSocketConnection, { rooms: Set<string>; cancel: () => void }>();
  /** Server-sent-event feeds listening to a room. */
  readonly #feeds = new Map<string, Set<RoomFeed>>();
  #link: BroadcastLink | null = null;

  constructor(options: BroadcastGroupOptions = {}) {
    if (options.adapter !== undefined) this.useAdapter(options.adapter, options.channel);
  }

  /**
   * Relays this group through `adapter` from now on, under `channel` (default: the class
   * name, which must then be the same in every process). Replaces an earlier adapter.
   */
  useAdapter(adapter: BroadcastAdapter, channel: string = this.constructor.name): void {
    this.#link?.leave();
    this.#link = adapter.join(channel, (room, text) => {
      this.#deliver(room, text, null);
    });
  }

  /** Stops relaying to other processes; local delivery goes on. */
  leaveAdapter(): void {
    this.#link?.leave();
    this.#link = null;
  }

  /**
   * The messages of `room` (as sent: JSON text for non-strings), from this process and, with
   * an adapter, from the others, for a server-sent-event feed: return
   * `new EventStream(mapped(group.listen(room)))`. The feed detaches when the stream ends.
   */
  listen(room: string, options: BroadcastListenOptions = {}): AsyncIterableIterator<string> {
    let feeds = this.#feeds.get(room);
    if (feeds === undefined) {
      feeds = new Set();
      this.#feeds.set(room, feeds);
    }
    const feed = new RoomFeed((done) => this.#unlisten(room, done), options);
    feeds.add(feed);
    return feed;
  }

  /** Adds `ws` to `room` (idempotent). A connection leaves all its rooms by itself when it closes. */
  async subscribe(room: string, ws: WebSocketConnection): Promise<void> {
    // A closed connection would never leave again.
    if (ws.readyState === 3) return;
    let members = this.#rooms.get(room);
    if (members === undefined) {
      members = new Set();
      this.#rooms.set(room, members);
    }
    members.add(ws);
    let membership = this.#memberships.get(ws);
    if (membership === undefined) {
      membership = { rooms: new Set(), cancel: () => undefined };
      this.#memberships.set(ws, membership);
      membership.cancel = ws.whenClosed(() => this.#leaveAll(ws));
    }
    membership.rooms.add(room);
  }

  /** Removes `ws` from `room`; a no-op when it is not a member. */
  async unsubscribe(room: string, ws: WebSocketConnection): Promise<void> {
    this.#leave(room, ws);
    const membership = this.#memberships.get(ws);
    if (membership === undefined) return;
    membership.rooms.delete(room);
    if (membership.rooms.size === 0) {
      membership.cancel();
      this.#memberships.delete(ws);
    }
  }

  /** Removes `ws` from every room. */
  async unsubscribeAll(ws: WebSocketConnection): Promise<void> {
    this.#leaveAll(ws);
  }

  /**
   * Sends `message` to every member of `room`: a string as is, anything else as JSON
   * (serialised once for all), and to the room's feeds. Connections found closed are dropped
   * from the group. With an adapter, the other processes deliver it to their members too.
   * Returns how many members of this process it was sent to.
   */
  async broadcast(room: string, message: unknown, options: BroadcastOptions = {}): Promise<number> {
    if (this.#link === null && !this.#rooms.has(room) && !this.#feeds.has(room)) return 0;
    const text = typeof message === "string" ? message : JSON.stringify(message);
    const sent = this.#deliver(room, text, options.exclude ?? null);
    this.#link?.publish(room, text);
    return sent;
  }

  /** Local delivery: to the room's connections (but `exclude`) and its feeds; returns the connections reached. */
  #deliver(room: string, text: string, exclude: WebSocketConnection | null): number {
    const feeds = this.#feeds.get(room);
    if (feeds !== undefined) for (const feed of [...feeds]) feed.push(text);
    const members = this.#rooms.get(room);
    if (members === undefined) return 0;
    let sent = 0;
    // Encoded once for the whole room: each connection then only frames the same bytes.
    const bytes = Buffer.from(text, "utf8");
    for (const ws of [...members]) {
      if (ws === exclude) continue;
      try {
        ws[SEND_TEXT_BYTES](bytes);
        sent++;
      } catch (error) {
        if (!(error instanceof WebSocketClosedError)) throw error;
        this.#leaveAll(ws);
      }
    }
    return sent;
  }

  /** The connections of `room` on this process. */
  members(room: string): WebSocketConnection[] {
    return [...(this.#rooms.get(room) ?? [])];
  }

  /** How many connections `room` has on this process. */
  count(room: string): number {
    return this.#rooms.get(room)?.size ?? 0;
  }

  /** How many feeds (`listen()`) follow `room` on this process. */
  listening(room: string): number {
    return this.#feeds.get(room)?.size ?? 0;
  }

  /** Rooms with at least one member. */
  rooms(): string[] {
    return [...this.#rooms.keys()];
  }

  #unlisten(room: string, feed: RoomFeed): void {
    const feeds = this.#feeds.get(room);
    if (feeds === undefined) return;
    feeds.delete(feed);
    if (feeds.size === 0) this.#feeds.delete(room);
  }

  #leave(room: string, ws: WebSocketConnection): void {
    const members = this.#rooms.get(room);
    if (members === undefined) return;
    members.delete(ws);
    // Forget empty rooms, so rooms named after users or ids do not pile up.
    if (members.size === 0) this.#rooms.delete(room);
  }

  #leaveAll(ws: WebSocketConnection): void {
    const membership = this.#memberships.get(ws);
    if (membership === undefined) return;
    this.#memberships.delete(ws);
    membership.cancel();
    for (const room of membership.rooms) this.#leave(room, ws);
  }
}

/** Gives every group among `instances` (the app's singletons) the app-wide adapter. */
export function attachBroadcastAdapter(instances: readonly unknown[], adapter: BroadcastAdapter): void {
  for (const instance of instances) if (instance instanceof BroadcastGroup) instance.useAdapter(adapter);
}
