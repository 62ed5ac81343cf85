/**
 * Many long-lived responses wait on the one app-shutdown signal. Giving each its own
 * 'abort' listener would grow the signal's listener list with every open stream (and trip
 * node's leak warning past ten), so one listener per signal fans out to a Set instead.
 */
const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `fn` once when `signal` aborts; returns the function that cancels the watch. */
export function watchAbort(signal: AbortSignal, fn: () => void): () => void {
  let set = watchers.get(signal);
  if (set === undefined) {
    const members = new Set<() => void>();
    set = members;
    watchers.set(signal, members);
    signal.addEventListener(
      "abort",
      () => {
        for (const wake of [...members]) wake();
        members.clear();
      },
      { once: true },
    );
  }
  const members = set;
  members.add(fn);
  return () => {
    members.delete(fn);
  };
}
