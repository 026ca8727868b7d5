// Client of the revocation feed: a snapshot from GET /v1/revocations, then either the SSE stream
// /v1/revocations/stream (reconnecting with Last-Event-ID and backoff, polling every second while it
// is down) or polling `?since=cursor`. It records when it last heard from the server, so the verifier
// can fail closed once the feed has been silent for longer than `maxStaleness`.
import { RevocationsFetchFailed } from './errors.js';
import { type FetchLike, fetchJson } from './http.js';
import type { RevocationEntry, RevocationStore } from './revocation-store.js';
import { readRevocationStream } from './revocation-stream.js';

export interface RevocationFeedOptions {
  /** The feed endpoint, e.g. `https://auth.example.com/v1/revocations`; the stream is `${url}/stream`. */
  url: string;
  store: RevocationStore;
  clientId?: string;
  clientSecret?: string;
  transport?: 'sse' | 'poll';
  /** Seconds without a successful contact after which `isStale()` turns true. Default 60. */
  maxStaleness?: number;
  pollIntervalMs?: number;
  timeoutMs?: number;
  /** The server pings every 15 s; a stream silent for this long is considered dead. */
  sseIdleTimeoutMs?: number;
  maxBackoffMs?: number;
  fetch?: FetchLike;
  now?: () => number;
  onEntry?: (entry: RevocationEntry) => void;
  onError?: (err: unknown) => void;
}

export interface RevocationFeedState {
  cursor: string | undefined;
  connected: boolean;
  /** Milliseconds since the last successful contact (undefined before the first one). */
  staleFor: number | undefined;
  entries: number;
  transport: 'sse' | 'poll';
  lastError: { code: string; message: string; at: number } | undefined;
}

export interface RevocationFeed {
  /** Resolves after the first snapshot was loaded. */
  ready(): Promise<void>;
  isStale(): boolean;
  state(): RevocationFeedState;
  close(): void;
}

export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const fetchImpl: FetchLike = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const transport = options.transport ?? 'sse';
  const maxStaleMs = (options.maxStaleness ?? 60) * 1000;
  const pollMs = options.pollIntervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const idleMs = options.sseIdleTimeoutMs ?? 45_000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const store = options.store;
  const url = options.url.replace(/\/+$/, '');
  const baseHeaders: Record<string, string> = {};
  if (options.clientId !== undefined) {
    // RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding.
    const user = `${formEncode(options.clientId)}:${formEncode(options.clientSecret ?? '')}`;
    baseHeaders.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  }

  let cursor: string | undefined;
  let lastContact: number | undefined;
  let connected = false;
  let closed = false;
  let lastError: RevocationFeedState['lastError'];
  let streamAbort: AbortController | undefined;
  let serverRetryMs = 0;
  let wake: (() => void) | undefined;
  // ready() waiters: settled by the next poll, so a caller at start-up learns about a down feed.
  let loaded = false;
  let waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  function settle(err?: unknown): void {
    const list = waiters;
    waiters = [];
    for (const w of list) err === undefined ? w.resolve() : w.reject(err);
  }

  function contact(): void {
    lastContact = now();
  }

  function fail(err: unknown): void {
    const e =
      err instanceof RevocationsFetchFailed ? err : new RevocationsFetchFailed(undefined, { cause: err });
    lastError = { code: e.code, message: e.message, at: now() };
    if (!loaded) settle(e);
    options.onError?.(e);
  }

  function apply(entry: RevocationEntry, id?: string): void {
    if (entry === null || typeof entry !== 'object') return;
    if (store.add(entry)) options.onEntry?.(entry);
    const next = id ?? entry.cursor;
    if (typeof next === 'string' && (cursor === undefined || compareCursor(next, cursor) > 0)) cursor = next;
  }

  /** One GET; returns how many entries came back. */
  async function fetchPage(): Promise<number> {
    const target = cursor === undefined ? url : `${url}?since=${encodeURIComponent(cursor)}`;
    const { response, body } = await fetchJson(
      fetchImpl,
      target,
      { headers: { ...baseHeaders, accept: 'application/json' } },
      timeoutMs,
      (cause) => new RevocationsFetchFailed('revocation feed timed out', { cause }),
    );
    if (!response.ok) throw new RevocationsFetchFailed(`revocation feed answered HTTP ${response.status}`);
    const doc = body as { cursor?: unknown; revocations?: unknown } | undefined;
    if (!doc || !Array.isArray(doc.revocations))
      throw new RevocationsFetchFailed('revocation feed body is invalid');
    for (const entry of doc.revocations as RevocationEntry[]) apply(entry);
    if (typeof doc.cursor === 'string' && doc.cursor !== '') cursor = doc.cursor;
    return doc.revocations.length;
  }

  /** Reads until the feed has nothing newer: the server pages large snapshots. */
  async function poll(): Promise<void> {
    for (let page = 0; page < 10_000; page++) {
      const before = cursor;
      const count = await fetchPage();
      contact();
      if (count === 0 || cursor === before) break;
    }
    store.sweep();
    loaded = true;
    settle();
  }

  /** Opens the stream and reads it until it ends; resolves true if it was open at least once. */
  async function stream(): Promise<boolean> {
    const abort = new AbortController();
    streamAbort = abort;
    const { opened, error } = await readRevocationStream({
      url,
      headers: baseHeaders,
      cursor,
      fetch: fetchImpl,
      timeoutMs,
      idleMs,
      abort,
      onOpen() {
        connected = true;
        contact();
      },
      onEntry: apply,
      onContact: contact,
      onRetry(ms) {
        serverRetryMs = Math.min(ms, maxBackoff);
      },
      onChunk() {
        store.sweep();
        return closed;
      },
    });
    connected = false;
    streamAbort = undefined;
    if (!closed) fail(error);
    return opened;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function run(): Promise<void> {
    let backoff = 500;
    let streamRetryAt = 0;
    while (!closed) {
      try {
        await poll();
        if (transport === 'poll') connected = true;
      } catch (err) {
        if (transport === 'poll') connected = false;
        if (!closed) fail(err);
      }
      if (closed) break;
      if (transport === 'sse' && lastContact !== undefined && now() >= streamRetryAt) {
        const wasOpen = await stream();
        if (closed) break;
        // After a working stream drops, wait what the server asked (`retry:`), at least 0.5 s.
        backoff = wasOpen ? Math.max(500, serverRetryMs) : Math.min(maxBackoff, backoff * 2);
        // Until the stream is back, the loop polls every `pollMs`, so revocations still arrive.
        streamRetryAt = now() + backoff;
        if (wasOpen) continue; // catch up with a poll straight away, then reconnect
      }
      await sleep(pollMs);
    }
  }

  const sweeper = setInterval(() => store.sweep(), 10_000);
  sweeper.unref?.();
  void run();

  return {
    ready() {
      if (loaded) return Promise.resolve();
      return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    },
    isStale() {
      return lastContact === undefined || now() - lastContact > maxStaleMs;
    },
    state() {
      return {
        cursor,
        connected,
        staleFor: lastContact === undefined ? undefined : now() - lastContact,
        entries: store.size,
        transport,
        lastError,
      };
    },
    close() {
      closed = true;
      clearInterval(sweeper);
      if (!loaded) settle(new RevocationsFetchFailed('revocation feed closed'));
      streamAbort?.abort();
      wake?.();
    },
  };
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/** Cursors are opaque strings that compare as increasing integers (docs/contracts.md). */
export function compareCursor(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x === y ? 0 : x > y ? 1 : -1;
  }
  return a === b ? 0 : a > b ? 1 : -1;
}
