// Connects the services to the other instances. It listens: a revocation or a rotation made here is
// signalled to the others, and a signal from another instance makes this one read the store at
// once. The services are not wrapped; routes and the session service use them directly.
import type { KeyService, RevocationService } from '../services/types.js';
import type { FanoutLogger, FanoutSignal, FanoutTransport } from './types.js';

/** The revocation service's extras the fan-out needs (revocation/revocation-service.ts). */
export interface PollableRevocations {
  readonly cursor: number;
  poll(): Promise<void>;
  subscribe: RevocationService['subscribe'];
}

export interface AttachedFanout {
  readonly transport: FanoutTransport;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function attachFanout(opts: {
  transport: FanoutTransport;
  revocations: PollableRevocations;
  keys: Pick<KeyService, 'reload' | 'onRotated'>;
  logger?: FanoutLogger;
}): AttachedFanout {
  const { transport, revocations, keys } = opts;
  const unsubscribe: Array<() => void> = [];
  let keysReloading: Promise<void> | undefined;

  async function catchUp(cursor: number): Promise<void> {
    // A poll already in flight may have read the store before this entry committed: poll again.
    for (let i = 0; i < 2 && revocations.cursor < cursor; i++) await revocations.poll();
  }

  function onSignal(signal: FanoutSignal): void {
    if (signal.kind === 'revocation') {
      catchUp(signal.cursor).catch((err) =>
        opts.logger?.warn({ err }, 'revocation catch-up failed; polling covers it'),
      );
      return;
    }
    keysReloading ??= keys
      .reload()
      .catch((err) => opts.logger?.warn({ err }, 'keyring reload after a signal failed; the timer retries'))
      .finally(() => {
        keysReloading = undefined;
      });
  }

  return {
    transport,
    async start() {
      // The service announces each local entry after the store committed it, with its cursor.
      unsubscribe.push(
        revocations.subscribe((entry, origin) => {
          if (origin === 'local') transport.publish({ kind: 'revocation', cursor: entry.cursor });
        }),
        keys.onRotated(() => transport.publish({ kind: 'keys' })),
      );
      await transport.start(onSignal);
    },
    async stop() {
      for (const off of unsubscribe.splice(0)) off();
      await transport.stop();
      await keysReloading;
    },
  };
}
