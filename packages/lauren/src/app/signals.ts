/**
 * SIGTERM/SIGINT → graceful shutdown, then exit 0. A second signal while draining forces
 * an immediate exit (code 1), so an operator is never stuck behind a hung request.
 */
import type { LaurenApplication } from "./application.js";

export interface SignalOptions {
  signals?: readonly NodeJS.Signals[];
  /** Called instead of process.exit (for tests). */
  exit?: (code: number) => void;
}

/**
 * The same signal again this soon is one request delivered twice, not an operator insisting:
 * Ctrl-C under `npm start` reaches node from the terminal and again from npm, which forwards
 * it. Forcing the exit then would cut the drain short on every Ctrl-C.
 */
export const DUPLICATE_SIGNAL_WINDOW_MS = 250;

export function installSignalHandlers(app: LaurenApplication, options: SignalOptions = {}): () => void {
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let first: { signal: NodeJS.Signals; at: number } | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (first !== null) {
      if (signal === first.signal && performance.now() - first.at < DUPLICATE_SIGNAL_WINDOW_MS) return;
      app.logger.warn(`${signal} received again: exiting now`);
      exit(1);
      return;
    }
    first = { signal, at: performance.now() };
    app.logger.info(`${signal} received: shutting down gracefully`);
    app.shutdown().then(
      () => exit(0),
      (error: unknown) => {
        app.logger.error("shutdown failed", { error });
        exit(1);
      },
    );
  };
  // One listener per signal that knows its name: `process.emit("SIGTERM")` passes none.
  const listeners = signals.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}
