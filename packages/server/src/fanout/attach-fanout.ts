// Wraps the revocation and key services so that a change made here is signalled to the other
// instances, and a signal from another instance makes this one read the store at once. The
// wrapped services keep the same interfaces, so routes and the session service do not change.
import type { KeyService, RevocationService } from '../services/types.js';
import type { FanoutLogger, FanoutSignal, FanoutTransport } from './types.js';

/** The revocation service's extras the fan-out needs (revocation/revocation-service.ts). */
export interface PollableRevocations extends RevocationService {
  readonly cursor: number;
  poll(): Promise<void>;
}

export interface AttachedFanout {
  readonly revocations: RevocationService;
  readonly keys: KeyService;
  readonly transport: FanoutTransport;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function attachFanout(opts: {
  transport: FanoutTransport;
  revocations: PollableRevocations;
  keys: KeyService;
  logger?: FanoutLogger;
}): AttachedFanout {
  const { transport, revocations: inner, keys: innerKeys } = opts;
  // The service announces each record (with its cursor) synchronously inside its add, so the
  // highest cursor seen here after a revoke call is that entry's cursor (or a later one).
  let lastLocal = 0;
  let unsubscribe: (() => void) | undefined;
  let keysReloading: Promise<void> | undefined;

  async function catchUp(cursor: number): Promise<void> {
    // A poll already in flight may have read the store before this entry committed: poll again.
    for (let i = 0; i < 2 && inner.cursor < cursor; i++) await inner.poll();
  }

  function onSignal(signal: FanoutSignal): void {
    if (signal.kind === 'revocation') {
      catchUp(signal.cursor).catch((err) =>
        opts.logger?.warn({ err }, 'revocation catch-up failed; polling covers it'),
      );
      return;
    }
    keysReloading ??= innerKeys
      .reload()
      .catch((err) => opts.logger?.warn({ err }, 'keyring reload after a signal failed; the timer retries'))
      .finally(() => {
        keysReloading = undefined;
      });
  }

  async function signalled(fn: () => Promise<void>): Promise<void> {
    await fn();
    transport.publish({ kind: 'revocation', cursor: lastLocal });
  }

  const revocations: RevocationService = {
    start: () => inner.start(),
    stop: () => inner.stop(),
    revokeToken: (jti, exp) => signalled(() => inner.revokeToken(jti, exp)),
    revokeSession: (sid, exp) => signalled(() => inner.revokeSession(sid, exp)),
    revokeUser: (sub, iatBefore, exp) => signalled(() => inner.revokeUser(sub, iatBefore, exp)),
    isRevoked: (payload) => inner.isRevoked(payload),
    since: (cursor, limit) => inner.since(cursor, limit),
    subscribe: (listener) => inner.subscribe(listener),
  };

  const keys: KeyService = Object.create(innerKeys, {
    rotateNow: {
      value: async (actor: string | null, o?: { replace?: string }) => {
        const kid = await innerKeys.rotateNow(actor, o);
        transport.publish({ kind: 'keys' });
        return kid;
      },
    },
  });

  return {
    revocations,
    keys,
    transport,
    async start() {
      unsubscribe = inner.subscribe((entry) => {
        if (entry.cursor > lastLocal) lastLocal = entry.cursor;
      });
      await transport.start(onSignal);
    },
    async stop() {
      unsubscribe?.();
      await transport.stop();
      await keysReloading;
    },
  };
}
