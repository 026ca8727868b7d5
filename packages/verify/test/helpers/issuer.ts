// A real local "auth server" for tests: node:http on 127.0.0.1, port 0, serving discovery, a JWKS
// made with core's exportJwks, and the revocation feed (JSON and SSE) in the contract's format.
// Counters and switches let tests see and shape what the verifier does over HTTP.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigner, exportJwks, generateKey, type Signer, type TesseraKey } from '@tessera/core';

export interface RevocationRow {
  cursor: string;
  type: 'jti' | 'sid' | 'sub';
  value: string;
  exp: number;
  iat_before?: number;
}

export interface TestIssuer {
  url: string;
  audience: string;
  key: TesseraKey;
  keys: TesseraKey[];
  sign: Signer;
  signWith(key: TesseraKey, claims: Record<string, unknown>, ttl?: string | number): string;
  counts: { jwks: number; discovery: number; feed: number; stream: number; feedAuthFailures: number };
  /** Cache-Control of the JWKS response (undefined: no header). */
  jwksCacheControl: string | undefined;
  /** The jwks_uri the discovery document names (default: this server's own JWKS). */
  discoveryJwksUri: string | undefined;
  /** 'up', 'error' (HTTP 500), 'hang' (never answers), 'reset' (destroys the socket). */
  jwksMode: 'up' | 'error' | 'hang' | 'reset';
  feedMode: 'up' | 'error';
  streamMode: 'up' | 'missing';
  /** Last-Event-ID headers seen on stream connections. */
  lastEventIds: Array<string | undefined>;
  client: { id: string; secret: string };
  revoke(entry: Omit<RevocationRow, 'cursor'>): RevocationRow;
  /** Closes every open SSE connection (the verifier must reconnect). */
  dropStreams(): void;
  ping(): void;
  streamsOpen(): number;
  close(): Promise<void>;
}

export async function startIssuer(opts: { audience?: string; kid?: string } = {}): Promise<TestIssuer> {
  const key = generateKey('ES256', { kid: opts.kid ?? 'k1' });
  const streams = new Set<ServerResponse>();
  const rows: RevocationRow[] = [];
  let cursor = 1000;
  const hanging = new Set<ServerResponse>();

  const issuer: TestIssuer = {
    url: '',
    audience: opts.audience ?? 'api.test',
    key,
    keys: [key],
    sign: (() => '') as unknown as Signer,
    signWith(k, claims, ttl) {
      return createSigner({ key: k, issuer: issuer.url, audience: issuer.audience, ttl: ttl ?? '15m' })(
        claims,
      );
    },
    counts: { jwks: 0, discovery: 0, feed: 0, stream: 0, feedAuthFailures: 0 },
    jwksCacheControl: 'public, max-age=300',
    discoveryJwksUri: undefined,
    jwksMode: 'up',
    feedMode: 'up',
    streamMode: 'up',
    lastEventIds: [],
    client: { id: 'svc-orders', secret: 's3cret:with spaces' },
    revoke(entry) {
      cursor++;
      const row: RevocationRow = { cursor: String(cursor), ...entry };
      rows.push(row);
      for (const res of streams)
        res.write(`event: revocation\nid: ${row.cursor}\ndata: ${JSON.stringify(row)}\n\n`);
      return row;
    },
    dropStreams() {
      for (const res of streams) res.destroy();
      streams.clear();
    },
    ping() {
      for (const res of streams) res.write(': ping\n\n');
    },
    streamsOpen: () => streams.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of streams) res.destroy();
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${issuer.client.id}:${encodeURIComponent(issuer.client.secret).replace(/%20/g, '+')}`).toString('base64')}`;
    const ok = req.headers.authorization === expected;
    if (!ok) issuer.counts.feedAuthFailures++;
    return ok;
  }

  function json(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', issuer.url);
    if (url.pathname === '/.well-known/openid-configuration') {
      issuer.counts.discovery++;
      const jwksUri = issuer.discoveryJwksUri ?? `${issuer.url}/.well-known/jwks.json`;
      return json(res, 200, { issuer: issuer.url, jwks_uri: jwksUri });
    }
    if (url.pathname === '/.well-known/jwks.json') {
      issuer.counts.jwks++;
      if (issuer.jwksMode === 'error') return json(res, 500, { error: 'server_error' });
      if (issuer.jwksMode === 'reset') return void req.socket.destroy();
      if (issuer.jwksMode === 'hang') return void hanging.add(res);
      const headers: Record<string, string> = {};
      if (issuer.jwksCacheControl !== undefined) headers['cache-control'] = issuer.jwksCacheControl;
      return json(res, 200, exportJwks(issuer.keys), headers);
    }
    if (url.pathname === '/v1/revocations') {
      issuer.counts.feed++;
      if (issuer.feedMode === 'error') return json(res, 503, { error: 'unavailable' });
      if (!authorized(req)) return json(res, 401, { error: 'invalid_client' });
      const since = url.searchParams.get('since');
      const list = since === null ? rows : rows.filter((r) => Number(r.cursor) > Number(since));
      return json(res, 200, { cursor: String(cursor), revocations: list });
    }
    if (url.pathname === '/v1/revocations/stream') {
      issuer.counts.stream++;
      if (issuer.streamMode === 'missing' || issuer.feedMode === 'error')
        return json(res, 404, { error: 'not_found' });
      if (!authorized(req)) return json(res, 401, { error: 'invalid_client' });
      const last =
        (req.headers['last-event-id'] as string | undefined) ?? url.searchParams.get('since') ?? undefined;
      issuer.lastEventIds.push(last);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': connected\n\n');
      for (const row of rows) {
        if (last !== undefined && Number(row.cursor) <= Number(last)) continue;
        res.write(`event: revocation\nid: ${row.cursor}\ndata: ${JSON.stringify(row)}\n\n`);
      }
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    json(res, 404, { error: 'not_found' });
  }

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer.sign = createSigner({ key, issuer: issuer.url, audience: issuer.audience });
  return issuer;
}

/** Resolves when `check()` is true, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}
