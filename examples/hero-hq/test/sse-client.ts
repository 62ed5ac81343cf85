/**
 * A minimal server-sent-event reader over node:http, for feeds that never end on their own:
 * `next()` resolves with the next event's data (comment lines, the keep-alives, skipped),
 * `ended` once the server ends the stream, and `close()` hangs up.
 */
import { request } from "node:http";

export interface SseReader {
  status: number;
  next(timeout?: number): Promise<string>;
  ended: Promise<void>;
  close(): void;
}

export function openSse(url: string, cookie?: string): Promise<SseReader> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: cookie === undefined ? {} : { cookie } }, (res) => {
      const events: string[] = [];
      const waiting: Array<(data: string) => void> = [];
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n");
          if (lines.every((line) => line.startsWith(":"))) continue;
          const data = lines
            .filter((line) => line.startsWith("data: "))
            .map((line) => line.slice(6))
            .join("\n");
          const wake = waiting.shift();
          if (wake) wake(data);
          else events.push(data);
        }
      });
      const ended = new Promise<void>((done) => {
        res.once("end", done);
        res.once("close", done);
      });
      resolve({
        status: res.statusCode ?? 0,
        ended,
        close: () => req.destroy(),
        next: (timeout = 2000) => {
          const queued = events.shift();
          if (queued !== undefined) return Promise.resolve(queued);
          return new Promise((wake, fail) => {
            const waiter = (data: string) => {
              clearTimeout(timer);
              wake(data);
            };
            const timer = setTimeout(() => {
              waiting.splice(waiting.indexOf(waiter), 1);
              fail(new Error(`no event within ${timeout} ms`));
            }, timeout);
            waiting.push(waiter);
          });
        },
      });
    });
    req.once("error", reject);
    req.end();
  });
}
