// RevocationService: write-through to the store, then the in-memory deny-list; a poll of the store
// picks up what other instances revoked (the fan-out makes that poll happen at once), and
// subscribers (the SSE stream, the fan-out) hear about every entry, local or remote.
//
// The deny-list is @tessera/verify's RevocationStore, the same structure resource services use, so
// both sides decide "is this token revoked?" with one implementation. Expiry is decided here only:
// an entry's `exp` is the last `exp` a token it covers can carry (the token's own for a `jti`,
// now + access TTL for a session or a user), and the deny-list keeps it a clock tolerance longer.
import type { JwsHeader, JwtPayload } from '@tessera/core';
import { createRevocationStore } from '@tessera/verify';
import { CLOCK_TOLERANCE_SEC } from '../keys/verifiers.js';
import type { RevocationOrigin, RevocationService } from '../services/types.js';
import type { RevocationRecord, RevocationStore } from '../stores/types.js';

interface Logger {
  warn(obj: unknown, msg?: string): void;
  debug?(obj: unknown, msg?: string): void;
}

export interface CreateRevocationServiceOptions {
  store: RevocationStore;
  /** Access-token lifetime (seconds): how long a session or user entry must last. */
  accessTtl: number;
  clock?: { now(): number };
  logger?: Logger;
  /** How often the store is polled for other instances' entries (ms). Default 500. */
  pollInterval?: number;
  /** How often expired entries are dropped from the store (ms). Default 60 000. */
  pruneInterval?: number;
  /** Page size when reading the store. */
  batch?: number;
}

export interface RevocationServiceWithStats extends RevocationService {
  /** Highest store cursor applied to memory. */
  readonly cursor: number;
  /** Live entries in memory. */
  readonly size: number;
  /** Reads the store now (what the timer does); the fan-out calls it on a signal. */
  poll(): Promise<void>;
}

export function createRevocationService(opts: CreateRevocationServiceOptions): RevocationServiceWithStats {
  const { store } = opts;
  const now = () => (opts.clock ? opts.clock.now() : Date.now());
  const nowSec = () => Math.floor(now() / 1000);
  // Entries still matter for a clock tolerance after their exp: the store keeps them that long too.
  const liveAfter = () => nowSec() - CLOCK_TOLERANCE_SEC;
  const batch = opts.batch ?? 1000;
  const deny = createRevocationStore({ now, graceSeconds: CLOCK_TOLERANCE_SEC });
  const listeners = new Set<(entry: RevocationRecord, origin: RevocationOrigin) => void>();
  // Cursors we added ourselves and already announced; the poll skips announcing them again.
  const announced = new Set<number>();
  let cursor = 0;
  let polling: Promise<void> | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;

  function remember(entry: RevocationRecord): void {
    deny.add(
      entry.type === 'sub'
        ? { type: 'sub', value: entry.value, exp: entry.exp, iat_before: entry.iatBefore ?? entry.exp }
        : { type: entry.type, value: entry.value, exp: entry.exp },
    );
  }

  function announce(entry: RevocationRecord, origin: RevocationOrigin): void {
    for (const listener of listeners) {
      try {
        listener(entry, origin);
      } catch (err) {
        opts.logger?.warn({ err }, 'revocation subscriber failed');
      }
    }
  }

  async function readAll(): Promise<void> {
    for (;;) {
      const page = await store.since(cursor, liveAfter(), batch);
      for (const entry of page) {
        remember(entry);
        if (entry.cursor > cursor) cursor = entry.cursor;
        if (!announced.delete(entry.cursor)) announce(entry, 'remote');
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
    remember(record);
    if (record.cursor > cursor) announced.add(record.cursor);
    announce(record, 'local');
  }

  /** The last `exp` a token issued up to now can carry. */
  const lastTokenExp = () => Math.ceil(now() / 1000) + opts.accessTtl;

  async function prune(): Promise<void> {
    deny.sweep();
    try {
      await store.deleteExpired(liveAfter());
    } catch (err) {
      opts.logger?.warn({ err }, 'revocation housekeeping failed');
    }
  }

  return {
    get cursor() {
      return cursor;
    },
    get size() {
      deny.sweep();
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
    revokeToken: (jti, tokenExp) => add({ type: 'jti', value: jti, iatBefore: null, exp: tokenExp }),
    revokeSession: (sid) => add({ type: 'sid', value: sid, iatBefore: null, exp: lastTokenExp() }),
    revokeUser: (sub, iatBefore) => add({ type: 'sub', value: sub, iatBefore, exp: lastTokenExp() }),
    // Every token the key signed has expired by lastTokenExp(): the key signs nothing from now on.
    revokeKey: (kid) => add({ type: 'kid', value: kid, iatBefore: null, exp: lastTokenExp() }),
    isRevoked: (payload: JwtPayload, header?: JwsHeader) => deny.isRevoked(payload, header),
    async since(after, limit) {
      // Read the high-water mark first: an entry added between the two reads is then either in
      // the page or after the returned cursor, never skipped.
      const latest = await store.latestCursor();
      // A cursor ahead of the store (the database was restored or replaced) cannot be resumed:
      // answer with a snapshot, whose cursor the caller then follows.
      if (after > latest) after = 0;
      const revocations = await store.since(after, liveAfter(), limit);
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
