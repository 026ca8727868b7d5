// "This browser has a session": a flag in localStorage, set on sign-in and cleared on sign-out, so
// a page load restores the session through the HttpOnly refresh cookie only when there may be one.
// Without it every signed-out visit would send a refresh that fails (a 400 in the console). The
// flag is not a secret and grants nothing: the cookie stays the only credential.

export interface SessionHint {
  get(): boolean;
  set(present: boolean): void;
}

export function createSessionHint(name: string): SessionHint {
  const storage = (globalThis as { localStorage?: Storage }).localStorage;
  const key = `${name}:session`;
  return {
    // No storage (Node, a sandboxed frame): assume there may be a session and ask the server.
    get: () => {
      try {
        return storage ? storage.getItem(key) === '1' : true;
      } catch {
        return true;
      }
    },
    set: (present) => {
      try {
        if (present) storage?.setItem(key, '1');
        else storage?.removeItem(key);
      } catch {
        // storage full or blocked: the hint is only an optimisation
      }
    },
  };
}
