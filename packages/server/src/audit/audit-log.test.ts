import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStores } from '../stores/index.js';
import { AUDIT_EVENTS, isAuditEvent } from './actions.js';
import { createAuditLog } from './audit-log.js';

test('the audit log writes events to the store and never keeps credential-named details', async () => {
  const stores = await createStores({ databaseUrl: 'sqlite::memory:' });
  try {
    await stores.migrate();
    const audit = createAuditLog({ store: stores.audit, clock: { now: () => 1_700_000_000_000 } });
    await audit.record('login_failed', {
      sub: 'u_1',
      ip: '192.0.2.1',
      details: {
        reason: 'wrong_password',
        password: 'hunter2hunter2',
        refresh_token: 'abc',
        Authorization: 'x',
      },
    });
    const [entry] = await stores.audit.query({ event: 'login_failed', limit: 10 });
    assert.ok(entry);
    assert.equal(entry.sub, 'u_1');
    assert.equal(entry.ip, '192.0.2.1');
    assert.equal(entry.at, 1_700_000_000_000);
    assert.deepEqual(entry.details, { reason: 'wrong_password' });
  } finally {
    await stores.close();
  }
});

test('a failing audit store is logged, not thrown (the database is closed under it)', async () => {
  const stores = await createStores({ databaseUrl: 'sqlite::memory:' });
  await stores.migrate();
  const errors: unknown[] = [];
  const audit = createAuditLog({
    store: stores.audit,
    clock: { now: () => 0 },
    logger: { error: (obj: unknown) => errors.push(obj), info: () => undefined },
  });
  await stores.close();
  await audit.record('logout', { sub: 'u_1' });
  assert.equal(errors.length, 1);
});

test('AUDIT_EVENTS lists every security event the server audits', () => {
  for (const e of [
    'login_succeeded',
    'login_failed',
    'refresh_reuse_detected',
    'logout',
    'rate_limited',
    'key_rotated',
  ]) {
    assert.ok(isAuditEvent(e), e);
  }
  assert.equal(isAuditEvent('made_up'), false);
  assert.equal(new Set(AUDIT_EVENTS).size, AUDIT_EVENTS.length);
});
