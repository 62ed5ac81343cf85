/**
 * What carries a `BroadcastGroup`'s messages to other processes (Redis pub/sub in
 * `@lauren/redis`). The group delivers to its own members first and then hands the
 * serialised message to its link, so a message reaches local members even when the
 * transport is away; the link delivers messages from other processes back through `deliver`.
 */
export interface BroadcastAdapter {
  /**
   * Connects one group, named by `channel` (the same in every process), to the others.
   * `deliver` must be called once per message another process published, in the order that
   * process published them, and never for this process's own messages.
   */
  join(channel: string, deliver: (room: string, text: string) => void): BroadcastLink;
}

export interface BroadcastLink {
  /** Passes a message this process sent on to the others. Never throws: a link that cannot deliver logs it. */
  publish(room: string, text: string): void;
  /** Stops relaying for this group. */
  leave(): void;
}
