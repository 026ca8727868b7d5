// PostgreSQL LISTEN/NOTIFY fan-out (no Redis configured). One dedicated connection listens and
// reconnects after a database outage; NOTIFY goes through a tiny pool. A notification is only
// delivered once the revoking transaction has committed, so the receiver's store read sees it.
import type pg from 'pg';
import { loadPg } from '../drivers/optional-driver.js';
import { type FanoutLogger, type FanoutMessage, type FanoutTransport, parseMessage } from './types.js';

export interface PostgresFanoutOptions {
  url: string;
  /** A PostgreSQL identifier: [a-z_][a-z0-9_]*. */
  channel: string;
  instanceId: string;
  logger?: FanoutLogger;
  /** Delay before re-listening after the connection dropped, ms (default 1 000). */
  reconnectMs?: number;
}

export function createPostgresFanout(opts: PostgresFanoutOptions): FanoutTransport {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(opts.channel))
    throw new TypeError('fanout channel: not a plain identifier');
  const pool = new (loadPg().Pool)({
    connectionString: opts.url,
    max: 2,
    connectionTimeoutMillis: 2_000,
    statement_timeout: 2_000,
  });
  pool.on('error', () => undefined); // an idle NOTIFY connection dying is not news
  let listener: pg.Client | undefined;
  let connected = false;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let onSignal: (signal: FanoutMessage['signal']) => void = () => undefined;
  let warned = false;

  function scheduleReconnect(): void {
    connected = false;
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void listen();
    }, opts.reconnectMs ?? 1_000);
    retry.unref();
  }

  async function listen(): Promise<void> {
    const client = new (loadPg().Client)({ connectionString: opts.url, connectionTimeoutMillis: 2_000 });
    listener = client;
    client.on('error', () => scheduleReconnect());
    client.on('end', () => scheduleReconnect());
    client.on('notification', (n) => {
      if (n.channel !== opts.channel || !n.payload) return;
      const message = parseMessage(n.payload);
      if (message && message.from !== opts.instanceId) onSignal(message.signal);
    });
    try {
      await client.connect();
      await client.query(`listen ${opts.channel}`); // identifier checked above; LISTEN takes no parameter
      if (stopped) {
        await client.end();
        return;
      }
      connected = true;
      if (warned) opts.logger?.info({ channel: opts.channel }, 'revocation fan-out listening again');
      warned = false;
    } catch (err) {
      if (!warned && !stopped) {
        opts.logger?.warn(
          { err: (err as Error).message },
          'revocation fan-out cannot listen; relying on polling',
        );
      }
      warned = true;
      client.end().catch(() => undefined);
      scheduleReconnect();
    }
  }

  return {
    mode: 'postgres',
    get connected() {
      return connected;
    },
    async start(handler) {
      onSignal = handler;
      await listen();
    },
    publish(signal) {
      const message: FanoutMessage = { from: opts.instanceId, signal };
      pool.query('select pg_notify($1, $2)', [opts.channel, JSON.stringify(message)]).catch(() => undefined);
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      connected = false;
      await listener?.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}
