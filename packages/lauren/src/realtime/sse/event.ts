/**
 * One Server-Sent Event and its wire form (HTML Living Standard §9.2). Framing is a pure
 * function so the stream writer and the tests share one definition of "a frame".
 */

export interface ServerSentEventInit {
  /** The payload: a string is sent as is, anything else as compact JSON. Absent = no `data:` line. */
  data?: unknown;
  /** The event type (`EventSource.addEventListener(event, …)` in the browser). */
  event?: string | undefined;
  /** Sent back by the browser as `Last-Event-ID` when it reconnects. */
  id?: string | number | undefined;
  /** Reconnection delay advice for the client, in milliseconds. */
  retry?: number | undefined;
  /** A `: comment` line, ignored by clients (keep-alives, markers). */
  comment?: string | undefined;
}

export class ServerSentEvent {
  readonly data: unknown;
  readonly event: string | undefined;
  readonly id: string | number | undefined;
  readonly retry: number | undefined;
  readonly comment: string | undefined;

  constructor(init: ServerSentEventInit = {}) {
    this.data = init.data;
    this.event = init.event;
    this.id = init.id;
    this.retry = init.retry;
    this.comment = init.comment;
  }

  /** The frame, ending in the blank line that dispatches it. */
  encode(): string {
    return formatEvent(this);
  }
}

/** What a producer may yield: an event, a string (its data) or a JSON value (its data). */
export type SseItem = ServerSentEvent | string | unknown;

// A field value must not contain line breaks: they would start a new field.
const LINE_BREAKS = /\r\n|\r|\n/g;

/** Frames one event; fields in a fixed order (comment, event, id, retry, data). */
export function formatEvent(event: ServerSentEventInit): string {
  let out = "";
  if (event.comment !== undefined) for (const line of event.comment.split(LINE_BREAKS)) out += `: ${line}\n`;
  if (event.event !== undefined) out += `event: ${event.event.replace(LINE_BREAKS, " ")}\n`;
  if (event.id !== undefined) out += `id: ${String(event.id).replace(LINE_BREAKS, "")}\n`;
  if (event.retry !== undefined && Number.isInteger(event.retry) && event.retry >= 0) out += `retry: ${event.retry}\n`;
  const data = encodeData(event.data);
  if (data !== null) for (const line of data.split(LINE_BREAKS)) out += `data: ${line}\n`;
  return out === "" ? "\n" : `${out}\n`;
}

function encodeData(data: unknown): string | null {
  if (data === undefined) return null;
  if (typeof data === "string") return data;
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  return JSON.stringify(data) ?? null;
}

/** Turns whatever a producer yielded into its frame. */
export function frameItem(item: SseItem): string {
  if (item instanceof ServerSentEvent) return formatEvent(item);
  return formatEvent({ data: item });
}
