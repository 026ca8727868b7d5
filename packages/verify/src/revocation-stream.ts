// One connection to the revocation SSE stream: open it (bounded by a timeout), feed the body to the
// event-stream parser, and treat a stream silent for longer than the idle timeout as dead (the
// server pings every 15 s, so a half-open TCP connection is noticed).
import { RevocationsFetchFailed } from './errors.js';
import type { FetchLike } from './http.js';
import type { RevocationEntry } from './revocation-store.js';
import { SseParser } from './sse.js';

export interface StreamOptions {
  url: string;
  headers: Record<string, string>;
  cursor: string | undefined;
  fetch: FetchLike;
  timeoutMs: number;
  idleMs: number;
  /** The caller aborts this to close the stream (verifier.close()). */
  abort: AbortController;
  onOpen(): void;
  onEntry(entry: RevocationEntry, id: string | undefined): void;
  /** Any sign of life: an event or a `: ping` comment. */
  onContact(): void;
  /** The server's `retry:` field (ms), its wish for the reconnection delay. */
  onRetry?(ms: number): void;
  /** Called after each chunk; return true to stop reading. */
  onChunk(): boolean;
}

/** Reads the stream until it ends or fails; never rejects (the error is returned for the caller to record). */
export async function readRevocationStream(o: StreamOptions): Promise<{ opened: boolean; error: unknown }> {
  const abort = o.abort;
  let idle = setTimeout(() => abort.abort(), o.timeoutMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(), o.idleMs);
  };
  const headers: Record<string, string> = { ...o.headers, accept: 'text/event-stream' };
  if (o.cursor !== undefined) headers['last-event-id'] = o.cursor;
  const target =
    o.cursor === undefined ? `${o.url}/stream` : `${o.url}/stream?since=${encodeURIComponent(o.cursor)}`;
  let opened = false;
  try {
    const response = await o.fetch(target, { headers, signal: abort.signal });
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !type.toLowerCase().startsWith('text/event-stream') || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new RevocationsFetchFailed(`revocation stream answered HTTP ${response.status}`);
    }
    opened = true;
    o.onOpen();
    touch();
    const parser = new SseParser(
      {
        onEvent(event) {
          if (event.event !== 'revocation') return;
          let entry: RevocationEntry;
          try {
            entry = JSON.parse(event.data) as RevocationEntry;
          } catch {
            return; // a malformed event is skipped
          }
          o.onEntry(entry, event.id);
          o.onContact();
        },
        onComment: () => o.onContact(),
        onRetry: (ms) => o.onRetry?.(ms),
      },
      o.cursor,
    );
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      touch();
      parser.push(decoder.decode(chunk, { stream: true }));
      if (o.onChunk()) break;
    }
    throw new RevocationsFetchFailed('revocation stream ended');
  } catch (err) {
    return { opened, error: err };
  } finally {
    clearTimeout(idle);
    abort.abort();
  }
}
