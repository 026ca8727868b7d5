export interface ClientEvents {
  /** A login or a refresh produced a new access token (here or in a sibling tab). */
  token: { expiresAt: number };
  /** The session ended: logout here or in another tab, refresh refused, or reuse detected. */
  signedout: { reason: string };
}

type Listener<T> = (event: T) => void;

/** A tiny typed event emitter that works the same in browsers and Node. */
export class Emitter {
  readonly #listeners = new Map<keyof ClientEvents, Set<Listener<never>>>();

  on<K extends keyof ClientEvents>(name: K, listener: Listener<ClientEvents[K]>): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof ClientEvents>(name: K, event: ClientEvents[K]): void {
    for (const listener of this.#listeners.get(name) ?? []) {
      try {
        (listener as Listener<ClientEvents[K]>)(event);
      } catch {
        // a listener's bug must not break the token logic
      }
    }
  }
}
