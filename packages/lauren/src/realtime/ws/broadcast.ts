/**
 * Rooms of WebSocket connections. Subclass it and mark the subclass `@injectable()` to get
 * one app-wide group per subclass (`class CommsRoom extends BroadcastGroup {}`). The
 * mutating methods are async so a subclass can back them with Redis pub/sub for several
 * processes; `members` and `count` describe this process's connections.
 */
import { WebSocketClosedError, type WebSocketConnection } from "./connection.js";

export interface BroadcastOptions {
  /** A connection that should not receive this message (usually the sender). */
  exclude?: WebSocketConnection | null;
}

export class BroadcastGroup {
  readonly #rooms = new Map<string, Set<WebSocketConnection>>();
  /** Per connection: its rooms, and how to cancel the auto-leave on close. */
  readonly #memberships = new Map<WebSocketConnection, { rooms: Set<string>; cancel: () => void }>();

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
   * (serialised once for all). Connections found closed are dropped from the group.
   * Returns how many members it was sent to.
   */
  async broadcast(room: string, message: unknown, options: BroadcastOptions = {}): Promise<number> {
    const members = this.#rooms.get(room);
    if (members === undefined) return 0;
    const text = typeof message === "string" ? message : JSON.stringify(message);
    let sent = 0;
    for (const ws of [...members]) {
      if (ws === options.exclude) continue;
      try {
        ws.send(text);
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

  /** Rooms with at least one member. */
  rooms(): string[] {
    return [...this.#rooms.keys()];
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
