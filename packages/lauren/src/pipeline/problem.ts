/**
 * The app's error format. The default is the envelope `{"error":{"code","message","detail"}}`;
 * `errorFormat: "problem+json"` answers every error as RFC 9457 problem details instead:
 * `type`, `title`, `status`, `detail` (the message) and `instance` (the path), with the
 * envelope's `code` and `detail` object kept as the extension members `code` and `context`.
 */
import { type ServerResponse, STATUS_CODES } from "node:http";
import type { HttpError } from "../errors/index.js";
import { type SetCookie, writeBody, writeError } from "../http/send.js";

export type ErrorFormat = "envelope" | "problem+json";
export const PROBLEM_TYPE = "application/problem+json";

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  context?: Record<string, unknown>;
}

export function problemDetails(err: HttpError, instance: string | null): ProblemDetails {
  const out: ProblemDetails = {
    type: "about:blank",
    title: STATUS_CODES[err.status] ?? "Error",
    status: err.status,
    detail: err.message,
    code: err.code,
  };
  if (instance !== null) out.instance = instance;
  if (Object.keys(err.detail).length > 0) out.context = err.detail;
  return out;
}

export type ErrorWriter = (res: ServerResponse, err: HttpError, setCookie: SetCookie, path: string | null) => void;

export function errorWriter(format: ErrorFormat): ErrorWriter {
  if (format === "envelope") return (res, err, setCookie) => writeError(res, err, setCookie);
  return (res, err, setCookie, path) => {
    const extra: string[] = [];
    if (err.headers !== undefined) for (const [name, value] of Object.entries(err.headers)) extra.push(name, value);
    writeBody(res, err.status, PROBLEM_TYPE, extra, setCookie, JSON.stringify(problemDetails(err, path)));
  };
}
