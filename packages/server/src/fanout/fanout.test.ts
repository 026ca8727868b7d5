// The fan-out on each real transport: two revocation services on one database whose store poll
// is slowed to a minute, so only the signal can make the second one see a revocation quickly.
// Redis and PostgreSQL need TESSERA_TEST_REDIS_URL / TESSERA_TEST_POSTGRES_URL (failing in CI).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { rotationListeners } from '../keys/verifiers.js';
import { createRevocationService } from '../revocation/revocation-service.js';
import { createStores, resolveBackend } from '../stores/index.js';
import { attachFanout } from './attach-fanout.js';
import { createFanoutTransport } from './create-fanout.js';
import { parseMessage } from './types.js';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const postgresUrl = process.env.TESSERA_TEST_POSTGRES_URL?.trim();
const redisUrl = process.env.TESSERA_TEST_REDIS_URL?.trim();

/** The two things the fan-out uses of a key service: reload, and hearing of local rotations. */
function fakeKeys(onReload: () => void) {
  const rotated = rotationListeners();
  return {
    reload: async () => onReload(),
    onRotated: rotated.add,
    /** What the real key service does after a manual rotation. */
    rotate: () => rotated.emit('k2'),
  };
}

/** Two "instances" on `databaseUrl`: revoke on the first, measure until the second knows. */
async function roundTrip(
  databaseUrl: string,
  redis?: string,
): Promise<{ ms: number; keysReloaded: boolean; mode: string }> {
  const sides = [];
  let reloaded = false;
  for (let i = 0; i < 2; i++) {
    const stores = await createStores({ databaseUrl });
    await stores.migrate();
    const service = createRevocationService({
      store: stores.revocations,
      accessTtl: 600,
      pollInterval: 60_000,
    });
    const keys = fakeKeys(() => {
      if (i === 1) reloaded = true;
    });
    const fanout = attachFanout({
      transport: createFanoutTransport({ backend: resolveBackend({ databaseUrl, redisUrl: redis }) }),
      revocations: service,
      keys,
    });
    await service.start();
    await fanout.start();
    sides.push({ stores, service, fanout, keys });
  }
  const [a, b] = sides;
  assert.ok(a && b);
  try {
    const sid = randomBytes(12).toString('base64url');
    const payload = { sid, sub: 'u_1', iat: Math.floor(Date.now() / 1000), jti: 'j1' };
    assert.equal(b.service.isRevoked(payload), false);
    const started = Date.now();
    await a.service.revokeSession(sid);
    while (!b.service.isRevoked(payload)) {
      if (Date.now() - started > 5_000) throw new Error('the signal never arrived');
      await new Promise((r) => setTimeout(r, 2));
    }
    const ms = Date.now() - started;
    a.keys.rotate();
    for (let i = 0; i < 250 && !reloaded; i++) await new Promise((r) => setTimeout(r, 2));
    return { ms, keysReloaded: reloaded, mode: a.fanout.transport.mode };
  } finally {
    for (const s of sides) {
      await s.fanout.stop();
      await s.service.stop();
      await s.stores.close();
    }
  }
}

test('parseMessage accepts the two signal kinds and drops anything else', () => {
  assert.deepEqual(parseMessage('{"from":"x","signal":{"kind":"revocation","cursor":7}}'), {
    from: 'x',
    signal: { kind: 'revocation', cursor: 7 },
  });
  assert.deepEqual(parseMessage('{"from":"x","signal":{"kind":"keys"}}'), {
    from: 'x',
    signal: { kind: 'keys' },
  });
  for (const bad of [
    '',
    'null',
    '{"from":1}',
    '{"from":"x","signal":{"kind":"revocation","cursor":"7"}}',
    '{"from":"x","signal":{"kind":"other"}}',
  ]) {
    assert.equal(parseMessage(bad), undefined, bad);
  }
});

test('SQLite: in-process fan-out makes a second service see a revocation without its poll', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-fanout-'));
  try {
    const result = await roundTrip(`sqlite:${join(dir, 't.db')}`);
    assert.equal(result.mode, 'local');
    assert.ok(result.ms < 1_000, `${result.ms} ms`);
    assert.equal(result.keysReloaded, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('on real servers', {
  skip:
    !ci && (!postgresUrl || !redisUrl) ? 'TESSERA_TEST_POSTGRES_URL / TESSERA_TEST_REDIS_URL not set' : false,
}, () => {
  async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
    assert.ok(postgresUrl, 'TESSERA_TEST_POSTGRES_URL');
    const name = `tessera_fanout_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      return await fn(url.toString());
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }

  test('PostgreSQL LISTEN/NOTIFY', async () => {
    const result = await withDatabase((url) => roundTrip(url));
    assert.equal(result.mode, 'postgres');
    assert.ok(result.ms < 1_000, `${result.ms} ms`);
    assert.equal(result.keysReloaded, true);
  });

  test('Redis pub/sub', async () => {
    assert.ok(redisUrl, 'TESSERA_TEST_REDIS_URL');
    const result = await withDatabase((url) => roundTrip(url, redisUrl));
    assert.equal(result.mode, 'redis');
    assert.ok(result.ms < 1_000, `${result.ms} ms`);
    assert.equal(result.keysReloaded, true);
  });

  test('a dead Redis neither throws into revocations nor blocks start-up', async () => {
    // Port 1: nothing listens. Revoking still works (store write); the signal is just dropped.
    const result = await withDatabase(async (url) => {
      const stores = await createStores({ databaseUrl: url });
      await stores.migrate();
      const service = createRevocationService({
        store: stores.revocations,
        accessTtl: 600,
        pollInterval: 60_000,
      });
      const fanout = attachFanout({
        transport: createFanoutTransport({
          backend: resolveBackend({ databaseUrl: url, redisUrl: 'redis://127.0.0.1:1' }),
        }),
        revocations: service,
        keys: fakeKeys(() => undefined),
      });
      try {
        await service.start();
        await fanout.start();
        assert.equal(fanout.transport.connected, false);
        await service.revokeToken('jti-1', Math.floor(Date.now() / 1000) + 60);
        return service.isRevoked({ jti: 'jti-1' });
      } finally {
        await fanout.stop();
        await service.stop();
        await stores.close();
      }
    });
    assert.equal(result, true);
  });
});
