/** Requests over a real socket, like curl: exactly the headers given, no cookie jar, no Origin. */
import { type IncomingHttpHeaders, request } from "node:http";

export interface Wire {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  text: string;
}

/** One request to `url`; rejects after 10 s so a test cannot hang. */
export function call(url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, text });
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer from ${url}`)), 10_000);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}
