import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStores } from '../stores/index.js';
import { EXPIRED_GRACE_MS, startRefreshHousekeeping } from './housekeeping.js';

test('housekeeping deletes refresh tokens a day past expiry and keeps the rest', async () => {
  const stores = await createStores({ databaseUrl: 'sqlite::memory:' });
  try {
    await stores.migrate();
    const now = 1_800_000_000_000;
    await stores.users.create({
      id: 'u_1',
      email: 'a@example.com',
      passwordHash: 'x',
      roles: [],
      disabled: false,
      createdAt: now,
    });
    await stores.sessions.create({
      id: 's1',
      userId: 'u_1',
      device: 'd',
      userAgent: '',
      ip: '127.0.0.1',
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + 1000,
    });
    const row = (hash: string, expiresAt: number) => ({
      hash,
      sessionId: 's1',
      userId: 'u_1',
      createdAt: 0,
      expiresAt,
    });
    await stores.refreshTokens.insert(row('old', now - EXPIRED_GRACE_MS - 1));
    await stores.refreshTokens.insert(row('recent', now - 1000));
    await stores.refreshTokens.insert(row('live', now + 1000));
    const hk = startRefreshHousekeeping({ store: stores.refreshTokens, clock: { now: () => now } });
    try {
      assert.equal(await hk.runOnce(), 1);
    } finally {
      hk.stop();
    }
    assert.equal(await stores.refreshTokens.get('old'), undefined);
    assert.ok(await stores.refreshTokens.get('recent'));
    assert.ok(await stores.refreshTokens.get('live'));
  } finally {
    await stores.close();
  }
});
