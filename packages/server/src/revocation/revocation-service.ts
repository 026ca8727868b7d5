// RevocationService: write-through to the store, then memory; a poll of the store picks up what
// other instances revoked (Redis pub/sub or PostgreSQL NOTIFY can shorten this later), and
// subscribers (the SSE stream) hear about every entry, local or remote.
import type { JwtPayload } from '@tessera/core';
import type { RevocationService } from '../services/types.js';
import type { RevocationRecord, RevocationStore } from '../stores/types.js';
import { DenyList } from './deny-list.js';

interface Logger {
  warn(obj: unknown, msg?: string): void;
  debug?(obj: unknown, msg?: string): void;
}

export interface CreateRevocationServiceOptions {
  store: RevocationStore;
  clock?: { now(): number };
  logger?: Logger;
  /** How often the store is polled for other instances' entries (ms). Default 500. */
  pollInterval?: number;
  /** How often expired entries are dropped from memory and the store (ms). Default 60 000. */
  pruneInterval?: number;
  /** Page size when reading the store. */
  batch?: number;
}

export interface RevocationServiceWithStats extends RevocationService {
  /** Highest store cursor applied to memory. */
  readonly cursor: number;
  /** Live entries in memory. */
  readonly size: number;
  /** Reads the store now (what the timer does); exposed for tests and shutdown paths. */
  poll(): Promise<void>;
}

export function createRevocationService(opts: CreateRevocationServiceOptions): RevocationServiceWithStats {
  const { store } = opts;
  const now = () => (opts.clock ? opts.clock.now() : Date.now());
  const nowSec = () => Math.floor(now() / 1000);
  const batch = opts.batch ?? 1000;
  const deny = new DenyList();
  const listeners = new Set<(entry: RevocationRecord) => void>();
  // Cursors we added ourselves and already announced; the poll skips announcing them again.
  const announced = new Set<number>();
  let cursor = 0;
  let polling: Promise<void> | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;

  function announce(entry: RevocationRecord): void {
    for (const listener of listeners) {
      try {
        listener(entry);
      } catch (err) {
        opts.logger?.warn({ err }, 'revocation subscriber failed');
      }
    }
  }

  async function readAll(): Promise<void> {
    for (;;) {
      const page = await store.since(cursor, nowSec(), batch);
      for (const entry of page) {
        deny.add(entry);
        if (entry.cursor > cursor) cursor = entry.cursor;
        if (!announced.delete(entry.cursor)) announce(entry);
      }
      if (page.length < batch) return;
    }
  }

  function poll(): Promise<void> {
    // One read at a time: a slow store must not pile up overlapping polls.
    polling ??= readAll()
      .catch((err) => opts.logger?.warn({ err }, 'revocation poll failed; will retry'))
      .finally(() => {
        polling = undefined;
      });
    return polling;
  }

  async function add(entry: Omit<RevocationRecord, 'cursor' | 'createdAt'>): Promise<void> {
    const record = await store.add(entry, now());
    deny.add(record);
    if (record.cursor > cursor) announced.add(record.cursor);
    announce(record);
  }

  async function prune(): Promise<void> {
    const t = nowSec();
    deny.prune(t);
    try {
      await store.deleteExpired(t);
    } catch (err) {
      opts.logger?.warn({ err }, 'revocation housekeeping failed');
    }
  }

  return {
    get cursor() {
      return cursor;
    },
    get size() {
      return deny.size;
    },
    poll,
    async start() {
      await readAll();
      pollTimer = setInterval(() => void poll(), opts.pollInterval ?? 500);
      pollTimer.unref();
      pruneTimer = setInterval(() => void prune(), opts.pruneInterval ?? 60_000);
      pruneTimer.unref();
    },
    async stop() {
      clearInterval(pollTimer);
      clearInterval(pruneTimer);
      await polling;
      listeners.clear();
    },
    revokeToken: (jti, exp) => add({ type: 'jti', value: jti, iatBefore: null, exp }),
    revokeSession: (sid, exp) => add({ type: 'sid', value: sid, iatBefore: null, exp }),
    revokeUser: (sub, iatBefore, exp) => add({ type: 'sub', value: sub, iatBefore, exp }),
    isRevoked: (payload: JwtPayload) => deny.isRevoked(payload),
    async since(after, limit) {
      // Read the high-water mark first: an entry added between the two reads is then either in
      // the page or after the returned cursor, never skipped.
      const latest = await store.latestCursor();
      // A cursor ahead of the store (the database was restored or replaced) cannot be resumed:
      // answer with a snapshot, whose cursor the caller then follows.
      if (after > latest) after = 0;
      const revocations = await store.since(after, nowSec(), limit);
      const last = revocations.at(-1)?.cursor ?? after;
      const full = revocations.length >= limit;
      return { cursor: full ? last : Math.max(last, latest, after), revocations };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
