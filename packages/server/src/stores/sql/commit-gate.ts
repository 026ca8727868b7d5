// Holds the refresh commits for a moment: while the WAL checkpoint thread rewinds the log it needs
// the write lock for one sync of the database file (wal-checkpointer.ts). A refresh that tried to
// commit meanwhile would wait inside SQLite's busy handler, which sleeps on the event loop (1, 2,
// 5, 10 ms between tries, 18-33 ms for a 10 ms hold). Held here instead, the refreshes wait as
// promises, the event loop keeps serving everything else, and they commit together when released.
export class CommitGate {
  #held = false;
  #waiters: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;

  get held(): boolean {
    return this.#held;
  }

  /** Holds the commits; released by `release()`, or after `maxMs` whatever happens. */
  hold(maxMs: number): void {
    this.#held = true;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.release(), maxMs);
    this.#timer.unref();
  }

  release(): void {
    clearTimeout(this.#timer);
    this.#held = false;
    for (const resume of this.#waiters.splice(0)) resume();
  }

  /** Resolves when the commits may go (at once if they are not held). */
  released(): Promise<void> {
    return this.#held ? new Promise((resolve) => this.#waiters.push(resolve)) : Promise.resolve();
  }
}
