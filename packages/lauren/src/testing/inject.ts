/**
 * light-my-request is an optional peer dependency: only tests need it, so an app's production
 * install does not carry it. It is loaded on the first request, and its absence is reported
 * with the command that fixes it instead of a bare module-not-found error.
 */
import type LightMyRequest from "light-my-request";

type Inject = typeof LightMyRequest;

let loading: Promise<Inject> | null = null;

export function loadInject(): Promise<Inject> {
  loading ??= import("light-my-request").then(
    (mod) => mod.default,
    (err: unknown) => {
      loading = null;
      if ((err as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND" && String(err).includes("light-my-request")) {
        throw new Error(
          "TestClient needs the light-my-request package (an optional peer dependency of lauren): " +
            "run `npm install --save-dev light-my-request@~6.6.0` (6.6 is the last line that supports Node 20; on Node 22+ any 6.x works).",
        );
      }
      throw err;
    },
  );
  return loading;
}
