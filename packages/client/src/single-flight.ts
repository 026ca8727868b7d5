/**
 * Collapses concurrent calls into one: while a call is in flight, every caller gets the same promise.
 * Ten requests that hit a 401 at once cause exactly one refresh.
 */
export function singleFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    if (!inFlight) {
      inFlight = fn().finally(() => {
        inFlight = undefined;
      });
    }
    return inFlight;
  };
}
