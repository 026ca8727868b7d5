// KeyService on real SQLite files: first key, scheduled rotation with tokens in flight, emergency
// rotation from several instances at once, and the deny-list wired into verification.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { decodeToken, importJwks, type JwtPayload } from '@tessera/core';
import { createKeyService } from '../src/keys/index.js';
import { createRevocationService } from '../src/revocation/index.js';
import { createStores } from '../src/stores/index.js';
import type { Stores } from '../src/stores/types.js';

const HOUR = 3600_000;
const opened: Stores[] = [];
after(async () => {
  for (const s of opened) await s.close();
});

async function openDb(file: string): Promise<Stores> {
  const stores = await createStores({ databaseUrl: `sqlite:${file}` });
  await stores.migrate();
  opened.push(stores);
  return stores;
}

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'tessera-ops-keys-')), 'tessera.db');
}

function fakeClock(start: number) {
  let t = start;
  return { now: () => t, set: (v: number) => (t = v), advance: (ms: number) => (t += ms) };
}

const masterKey = randomBytes(32);
const base = {
  masterKey,
  alg: 'ES256' as const,
  issuer: 'https://auth.example.com',
  audience: 'api.example.com',
  accessTtl: 900,
  rotateEvery: 3600,
  reloadInterval: 60_000,
};

const kidOf = (token: string) => decodeToken(token).header.kid;
const jwksKids = (keys: { jwks(): { keys: object[] } }) =>
  keys.jwks().keys.map((k) => (k as { kid: string }).kid);

describe('KeyService (stored keyring)', () => {
  test('two instances starting at once create exactly one active key', async () => {
    const file = tempDb();
    const [a, b] = await Promise.all([openDb(file), openDb(file)]);
    const ka = createKeyService({ ...base, keyStore: a.keys });
    const kb = createKeyService({ ...base, keyStore: b.keys });
    await Promise.all([ka.start(), kb.start()]);
    const keys = await a.keys.list();
    assert.equal(keys.filter((k) => k.state === 'active').length, 1);
    assert.equal(ka.activeKid(), kb.activeKid());
    const token = ka.signAccessToken({ sub: 'u1', sid: 's1', roles: ['user'] });
    assert.equal(kb.verifyAccessToken(token).payload.sub, 'u1');
    // private keys are sealed at rest
    for (const k of keys) assert.match(k.privateKeyEnc, /^tsk1\./);
    assert.ok(!keys[0]!.privateKeyEnc.includes('"d"'));
    await Promise.all([ka.stop(), kb.stop()]);
  });

  test('scheduled rotation: next is published ahead, old tokens verify until they expire', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 1));
    const t0 = clock.now();
    const stores = await openDb(tempDb());
    const keys = createKeyService({ ...base, keyStore: stores.keys, clock });
    await keys.start();
    const first = keys.activeKid()!;
    assert.deepEqual(jwksKids(keys), [first]);
    assert.equal(keys.policy()!.publishAhead, 1800);
    assert.ok(keys.jwksMaxAge() <= keys.policy()!.publishAhead);

    // half an hour before the rotation: a next key is created and published, but does not sign
    clock.set(t0 + HOUR - 1800_000);
    await keys.reload();
    const published = jwksKids(keys);
    assert.equal(published.length, 2);
    const next = published.find((k) => k !== first)!;
    assert.equal(keys.activeKid(), first);
    clock.set(t0 + HOUR - 300_000);
    const inFlight = keys.signAccessToken({ sub: 'u1', sid: 's1' });
    assert.equal(kidOf(inFlight), first);

    // at the rotation: the next key signs, the old one is retiring and still verifies
    clock.set(t0 + HOUR);
    await keys.reload();
    assert.equal(keys.activeKid(), next);
    const fresh = keys.signAccessToken({ sub: 'u1', sid: 's1' });
    assert.equal(kidOf(fresh), next);
    assert.equal(keys.verifyAccessToken(inFlight).payload.sub, 'u1');
    const states = Object.fromEntries((await keys.list()).map((k) => [k.kid, k.state]));
    assert.deepEqual(states, { [first]: 'retiring', [next]: 'active' });
    assert.deepEqual(new Set(jwksKids(keys)), new Set([first, next]));
    // a verifier using only the public JWKS has both keys
    const set = importJwks(keys.jwks() as Parameters<typeof importJwks>[0], { algorithms: ['ES256'] });
    assert.ok(set.get(first) && set.get(next));

    // after the longest token lifetime the retiring key is unpublished
    clock.set(t0 + HOUR + 931_000);
    await keys.reload();
    assert.ok(jwksKids(keys).includes(next));
    assert.ok(!jwksKids(keys).includes(first));
    assert.equal((await keys.list()).find((k) => k.kid === first)!.state, 'retired');
    assert.throws(() => keys.verifyAccessToken(inFlight), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await keys.stop();
  });

  test('scheduled rotation on three instances at once makes one next key and activates it once', async () => {
    const clock = fakeClock(Date.UTC(2026, 1, 1));
    const t0 = clock.now();
    const file = tempDb();
    const dbs = await Promise.all([openDb(file), openDb(file), openDb(file)]);
    const services = dbs.map((db) => createKeyService({ ...base, keyStore: db.keys, clock }));
    for (const k of services) await k.start();
    const first = services[0]!.activeKid();
    clock.set(t0 + HOUR - 1000_000);
    await Promise.all(services.map((k) => k.reload()));
    let rows = await dbs[0]!.keys.list();
    assert.equal(rows.filter((r) => r.state === 'next').length, 1);
    assert.equal(rows.length, 2);
    // due, but the next key has not been published for publishAhead (1800 s) yet: it waits
    clock.set(t0 + HOUR);
    await Promise.all(services.map((k) => k.reload()));
    for (const k of services) assert.equal(k.activeKid(), first);
    clock.set(t0 + HOUR + 800_000);
    await Promise.all(services.map((k) => k.reload()));
    await Promise.all(services.map((k) => k.reload()));
    rows = await dbs[0]!.keys.list();
    assert.deepEqual(rows.map((r) => r.state).sort(), ['active', 'retiring']);
    const active = rows.find((r) => r.state === 'active')!.kid;
    assert.notEqual(active, first);
    for (const k of services) assert.equal(k.activeKid(), active);
    const created = await dbs[0]!.audit.query({ event: 'key_created', limit: 10 });
    assert.equal(created.length, 0, 'no audit log wired in this test');
    for (const k of services) await k.stop();
  });

  test('emergency rotation: concurrent requests on two instances make one new key', async () => {
    const file = tempDb();
    const [a, b] = await Promise.all([openDb(file), openDb(file)]);
    const ka = createKeyService({ ...base, keyStore: a.keys });
    const kb = createKeyService({ ...base, keyStore: b.keys });
    await ka.start();
    await kb.start();
    const old = ka.activeKid()!;
    const oldToken = ka.signAccessToken({ sub: 'u1' });
    const kids = await Promise.all([ka.rotateNow('admin'), ka.rotateNow('admin'), kb.rotateNow('admin')]);
    assert.equal(new Set(kids).size, 1, `one new key, got ${kids.join(',')}`);
    const [fresh] = kids;
    assert.notEqual(fresh, old);
    const list = await a.keys.list();
    assert.equal(list.length, 2);
    assert.equal(list.find((k) => k.kid === old)!.state, 'retiring');
    assert.equal(ka.activeKid(), fresh);
    // the other instance signs with the new key once it re-reads the store
    await kb.reload();
    assert.equal(kidOf(kb.signAccessToken({ sub: 'u1' })), fresh);
    assert.equal(kb.verifyAccessToken(oldToken).payload.sub, 'u1');
    // a later request rotates again
    const third = await kb.rotateNow(null);
    assert.notEqual(third, fresh);
    await Promise.all([ka.stop(), kb.stop()]);
  });

  test('a revocation on one instance is enforced by another instance', async () => {
    const file = tempDb();
    const [a, b] = await Promise.all([openDb(file), openDb(file)]);
    const ra = createRevocationService({ store: a.revocations, accessTtl: 900, pollInterval: 100 });
    const rb = createRevocationService({ store: b.revocations, accessTtl: 900, pollInterval: 100 });
    await Promise.all([ra.start(), rb.start()]);
    const ka = createKeyService({ ...base, keyStore: a.keys, isRevoked: (p: JwtPayload) => ra.isRevoked(p) });
    const kb = createKeyService({ ...base, keyStore: b.keys, isRevoked: (p: JwtPayload) => rb.isRevoked(p) });
    await ka.start();
    await kb.start();
    const token = ka.signAccessToken({ sub: 'u1', sid: 's1' });
    const other = ka.signAccessToken({ sub: 'u1', sid: 's2' });
    assert.equal(kb.verifyAccessToken(token).payload.sid, 's1'); // now in kb's verified cache
    const heard: string[] = [];
    rb.subscribe((e) => heard.push(`${e.type}:${e.value}`));

    const started = Date.now();
    await ra.revokeSession('s1');
    assert.throws(() => ka.verifyAccessToken(token), { code: 'ERR_JWT_REVOKED' });
    while (!rb.isRevoked(decodeToken(token).payload) && Date.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const elapsed = Date.now() - started;
    assert.throws(() => kb.verifyAccessToken(token), { code: 'ERR_JWT_REVOKED' });
    assert.equal(kb.verifyAccessToken(other).payload.sid, 's2');
    assert.deepEqual(heard, ['sid:s1']);
    assert.ok(elapsed < 5000, `seen by the second instance after ${elapsed} ms`);
    await Promise.all([ka.stop(), kb.stop(), ra.stop(), rb.stop()]);
  });
});

describe('KeyService (HS)', () => {
  test('signs and verifies with the shared secret, publishes nothing and refuses rotation', async () => {
    const keys = createKeyService({
      ...base,
      alg: 'HS256',
      keyStore: undefined as never,
      hsSecret: randomBytes(32).toString('base64url'),
    });
    await keys.start();
    const token = keys.signAccessToken({ sub: 'u1' });
    assert.equal(keys.verifyAccessToken(token).payload.aud, 'api.example.com');
    assert.deepEqual(keys.jwks(), { keys: [] });
    await assert.rejects(keys.rotateNow(null), /TESSERA_HS_SECRET/);
    assert.equal((await keys.list()).length, 1);
  });
});
