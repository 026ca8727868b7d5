// The revocation feed against a real local server: snapshot, SSE delivery within 1 s, reconnect with
// Last-Event-ID, polling fallback, staleness (fail closed / fail open), client authentication.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { createSigner } from '@tessera/core';
import { createRemoteVerifier, type RemoteVerifier, type RemoteVerifierOptions } from '../src/index.js';
import { startIssuer, type TestIssuer, waitFor } from './helpers/issuer.js';

const nowSec = () => Math.floor(Date.now() / 1000);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('revocation feed', () => {
  let issuer: TestIssuer;
  const open: RemoteVerifier[] = [];
  before(async () => {
    issuer = await startIssuer();
  });
  after(() => issuer.close());
  afterEach(() => {
    for (const v of open.splice(0)) v.close();
    issuer.feedMode = 'up';
    issuer.streamMode = 'up';
  });

  function make(
    revocations: NonNullable<RemoteVerifierOptions['revocations']> = {},
    extra: Partial<RemoteVerifierOptions> = {},
  ) {
    const verifier = createRemoteVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: { max: 1000 },
      revocations: { clientId: issuer.client.id, clientSecret: issuer.client.secret, ...revocations },
      ...extra,
    });
    open.push(verifier);
    return verifier;
  }

  test('the start-up snapshot is enforced as soon as ready() resolves', async () => {
    const token = issuer.sign({ sub: 'snap', sid: 'sid-snap' });
    issuer.revoke({ type: 'sid', value: 'sid-snap', exp: nowSec() + 900 });
    const verifier = make();
    await verifier.ready();
    assert.equal(
      code(() => verifier.verify(token)),
      'ERR_JWT_REVOKED',
    );
    assert.equal(verifier.verify(issuer.sign({ sub: 'snap', sid: 'other' })).payload.sub, 'snap');
  });

  test('SSE delivers sid, jti and sub revocations within 1 s, cached tokens included', async (t) => {
    const verifier = make({ transport: 'sse' });
    await verifier.ready();
    await waitFor(() => verifier.state().revocations?.connected === true);
    const bySid = issuer.sign({ sub: 'u1', sid: 's-live' });
    const byJti = issuer.sign({ sub: 'u2', sid: 's2' });
    const bySub = issuer.sign({ sub: 'u3', sid: 's3' });
    for (const t of [bySid, byJti, bySub]) verifier.verify(t); // now in the verified-token cache
    const jti = JSON.parse(Buffer.from(byJti.split('.')[1] as string, 'base64url').toString()).jti as string;

    issuer.revoke({ type: 'sid', value: 's-live', exp: nowSec() + 900 });
    const ms1 = await waitFor(() => code(() => verifier.verify(bySid)) === 'ERR_JWT_REVOKED', 1000);
    issuer.revoke({ type: 'jti', value: jti, exp: nowSec() + 900 });
    const ms2 = await waitFor(() => code(() => verifier.verify(byJti)) === 'ERR_JWT_REVOKED', 1000);
    issuer.revoke({ type: 'sub', value: 'u3', iat_before: nowSec() + 1, exp: nowSec() + 900 });
    const ms3 = await waitFor(() => code(() => verifier.verify(bySub)) === 'ERR_JWT_REVOKED', 1000);
    assert.ok(Math.max(ms1, ms2, ms3) < 1000);
    t.diagnostic(`enforced after ${ms1} / ${ms2} / ${ms3} ms (sid / jti / sub)`);
    const state = verifier.state().revocations;
    assert.equal(state?.connected, true);
    assert.equal(state?.transport, 'sse');
    assert.ok((state?.entries ?? 0) >= 3);
    assert.equal(verifier.verify(issuer.sign({ sub: 'u9', sid: 's9' })).payload.sub, 'u9');
  });

  test('reconnects with Last-Event-ID after the stream drops, and misses nothing', async () => {
    const verifier = make({ transport: 'sse' });
    await verifier.ready();
    await waitFor(() => issuer.streamsOpen() > 0);
    const cursorBefore = verifier.state().revocations?.cursor;
    const token = issuer.sign({ sub: 'u', sid: 'while-down' });
    const seen = issuer.lastEventIds.length;
    issuer.dropStreams();
    issuer.revoke({ type: 'sid', value: 'while-down', exp: nowSec() + 900 });
    await waitFor(() => code(() => verifier.verify(token)) === 'ERR_JWT_REVOKED', 3000);
    await waitFor(
      () => issuer.lastEventIds.length > seen && verifier.state().revocations?.connected === true,
      5000,
    );
    const ids = issuer.lastEventIds.slice(seen);
    assert.ok(
      ids.every((id) => id !== undefined && Number(id) >= Number(cursorBefore)),
      `Last-Event-ID sent: ${ids}`,
    );
  });

  test('falls back to polling every second when the stream is unavailable', async () => {
    issuer.streamMode = 'missing';
    const verifier = make({ transport: 'sse' });
    await verifier.ready();
    const token = issuer.sign({ sub: 'p', sid: 'poll-fallback' });
    verifier.verify(token);
    const polls = issuer.counts.feed;
    issuer.revoke({ type: 'sid', value: 'poll-fallback', exp: nowSec() + 900 });
    const ms = await waitFor(() => code(() => verifier.verify(token)) === 'ERR_JWT_REVOKED', 3000);
    assert.ok(ms < 2000, `enforced after ${ms} ms (one poll interval plus a request)`);
    assert.ok(issuer.counts.feed > polls);
    assert.equal(verifier.state().revocations?.connected, false);
  });

  test("transport 'poll' enforces within a poll interval", async () => {
    const verifier = make({ transport: 'poll', pollIntervalMs: 250 });
    await verifier.ready();
    const token = issuer.sign({ sub: 'p', sid: 'poll-only' });
    verifier.verify(token);
    const streams = issuer.counts.stream;
    issuer.revoke({ type: 'sid', value: 'poll-only', exp: nowSec() + 900 });
    const ms = await waitFor(() => code(() => verifier.verify(token)) === 'ERR_JWT_REVOKED', 2000);
    assert.ok(ms < 1000, `enforced after ${ms} ms`);
    assert.equal(issuer.counts.stream, streams, 'no stream connection in poll mode');
    assert.equal(verifier.state().revocations?.connected, true);
  });

  test('while the feed is down: known revocations hold, then after maxStaleness every token is refused', async () => {
    const verifier = make({ transport: 'sse', maxStaleness: 1 });
    await verifier.ready();
    await waitFor(() => verifier.state().revocations?.connected === true);
    const revoked = issuer.sign({ sub: 'r', sid: 'known' });
    issuer.revoke({ type: 'sid', value: 'known', exp: nowSec() + 900 });
    await waitFor(() => code(() => verifier.verify(revoked)) === 'ERR_JWT_REVOKED', 1000);
    issuer.feedMode = 'error';
    issuer.dropStreams();
    const good = issuer.sign({ sub: 'g', sid: 'fine' });
    assert.equal(verifier.verify(good).payload.sub, 'g', 'still fresh');
    assert.equal(
      code(() => verifier.verify(revoked)),
      'ERR_JWT_REVOKED',
    );
    await waitFor(() => code(() => verifier.verify(good)) === 'ERR_REVOCATIONS_STALE', 3000);
    assert.equal(verifier.isReady, false);
    assert.ok((verifier.state().revocations?.staleFor ?? 0) > 1000);
    await assert.rejects(verifier.verifyAsync(good), { code: 'ERR_REVOCATIONS_STALE' });
    issuer.feedMode = 'up';
    await waitFor(() => code(() => verifier.verify(good)) === undefined, 3000);
    assert.equal(
      code(() => verifier.verify(revoked)),
      'ERR_JWT_REVOKED',
    );
  });

  test("onStale: 'fail-open' keeps verifying (and enforcing what it knows)", async () => {
    const verifier = make({ transport: 'poll', maxStaleness: 0.3, onStale: 'fail-open' });
    await verifier.ready();
    const revoked = issuer.sign({ sub: 'r', sid: 'known-open' });
    issuer.revoke({ type: 'sid', value: 'known-open', exp: nowSec() + 900 });
    await waitFor(() => code(() => verifier.verify(revoked)) === 'ERR_JWT_REVOKED', 2000);
    issuer.feedMode = 'error';
    await waitFor(() => (verifier.state().revocations?.staleFor ?? 0) > 600, 3000);
    assert.equal(verifier.verify(issuer.sign({ sub: 'g' })).payload.sub, 'g');
    assert.equal(
      code(() => verifier.verify(revoked)),
      'ERR_JWT_REVOKED',
    );
  });

  test('an idle stream kept alive by pings stays fresh', async () => {
    const verifier = make({ transport: 'sse', maxStaleness: 1 });
    await verifier.ready();
    await waitFor(() => verifier.state().revocations?.connected === true);
    const good = issuer.sign({ sub: 'g' });
    // 15 x 150 ms: twice maxStaleness without any poll, alive only through the pings.
    const polls = issuer.counts.feed;
    for (let i = 0; i < 15; i++) {
      issuer.ping();
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(verifier.verify(good).payload.sub, 'g');
    }
    assert.equal(issuer.counts.feed, polls, 'no polling while the stream is up');
  });

  test('malformed feed entries are skipped; the good ones apply', async () => {
    const odd = createServer((req, res) => {
      res.writeHead(req.url?.startsWith('/v1/revocations/stream') ? 404 : 200, {
        'content-type': 'application/json',
      });
      res.end(
        JSON.stringify({
          cursor: '5',
          revocations: [
            null,
            42,
            'x',
            { type: 'bogus', value: 'v', exp: nowSec() + 900 },
            { type: 'jti', value: 'good', exp: nowSec() + 900, cursor: '5' },
          ],
        }),
      );
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(odd.address() as AddressInfo).port}/v1/revocations`;
      const verifier = make({ url });
      await verifier.ready();
      assert.equal(verifier.state().revocations?.entries, 1);
      assert.equal(verifier.state().revocations?.cursor, '5');
      const jtiToken = createSigner({ key: issuer.key, issuer: issuer.url, audience: issuer.audience })(
        { sub: 'x' },
        { jti: 'good' },
      );
      assert.equal(
        code(() => verifier.verify(jtiToken)),
        'ERR_JWT_REVOKED',
      );
    } finally {
      odd.closeAllConnections();
      await new Promise((r) => odd.close(r));
    }
  });

  test('wrong client credentials: ready() rejects and the feed reports the error', async () => {
    const failures = issuer.counts.feedAuthFailures;
    const verifier = make({ clientSecret: 'wrong' });
    await assert.rejects(verifier.ready(), { code: 'ERR_REVOCATIONS_FETCH_FAILED' });
    assert.ok(issuer.counts.feedAuthFailures > failures);
    assert.equal(verifier.state().revocations?.lastError?.code, 'ERR_REVOCATIONS_FETCH_FAILED');
    assert.equal(
      code(() => verifier.verify(issuer.sign({ sub: 'x' }))),
      'ERR_REVOCATIONS_STALE',
    );
  });
});
