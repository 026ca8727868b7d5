// The storage conformance suite: one body, run against every backend by a factory
// (test/stores-conformance.test.ts). It pins down the behaviour of stores/types.ts that routes and
// services rely on, including the atomic operations under real concurrency.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MIGRATIONS } from '../../migrations/index.js';
import { DuplicateEmailError, type StoredKey, type Stores, type UserRecord } from '../../src/stores/index.js';
import { mfaStoreConformance } from './mfa-store-conformance.js';

/** Every migration, in order: a fresh database applies them all once. */
const ALL_MIGRATIONS = Object.keys(MIGRATIONS);

export interface TestDatabase {
  url: string;
  /** A new Stores on this database (not migrated yet): a second call is a second instance. */
  open(): Promise<Stores>;
  dispose(): Promise<void>;
}

export interface StoresFactory {
  name: string;
  /** A fresh, empty database. */
  create(): Promise<TestDatabase>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url')}`;
const T0 = 1_767_000_000_000; // a fixed instant (ms) so ordering is explicit

function newUser(
  overrides: { email?: string; roles?: string[]; createdAt?: number; disabled?: boolean } = {},
) {
  return {
    id: id('u'),
    email: overrides.email ?? `${id('e').toLowerCase()}@example.com`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    roles: overrides.roles ?? ['user'],
    disabled: overrides.disabled ?? false,
    createdAt: overrides.createdAt ?? T0,
  };
}

function newSession(userId: string, overrides: { createdAt?: number; expiresAt?: number } = {}) {
  const createdAt = overrides.createdAt ?? T0;
  return {
    id: id('s'),
    userId,
    device: 'Firefox 120 on macOS',
    userAgent: 'Mozilla/5.0',
    ip: '203.0.113.7',
    createdAt,
    lastUsedAt: createdAt,
    expiresAt: overrides.expiresAt ?? createdAt + 30 * 86_400_000,
  };
}

function newToken(sessionId: string, userId: string, createdAt = T0) {
  return {
    hash: randomBytes(32).toString('base64url'),
    sessionId,
    userId,
    createdAt,
    expiresAt: createdAt + 7 * 86_400_000,
  };
}

function newKey(kid: string, state: StoredKey['state'] = 'next'): StoredKey {
  return {
    kid,
    alg: 'ES256',
    state,
    publicJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid }),
    privateKeyEnc: 'v1.iv.tag.ciphertext',
    createdAt: T0,
    activatedAt: state === 'active' ? T0 : null,
    retiringAt: null,
    retiredAt: null,
  };
}

export function storesConformance(factory: StoresFactory): void {
  describe(`stores conformance: ${factory.name}`, () => {
    let database: TestDatabase;
    let stores: Stores;
    const opened: Stores[] = [];
    async function openInstance(): Promise<Stores> {
      const instance = await database.open();
      opened.push(instance);
      await instance.migrate();
      return instance;
    }

    before(async () => {
      database = await factory.create();
      stores = await database.open();
      opened.push(stores);
      const applied = await stores.migrate();
      assert.deepEqual(applied, ALL_MIGRATIONS);
    });

    after(async () => {
      for (const s of opened) await s.close();
      await database.dispose();
    });

    test('migrate is idempotent and ping answers', async () => {
      assert.deepEqual(await stores.migrate(), []);
      await stores.ping();
    });

    describe('users', () => {
      test('create, find by id and email, update', async () => {
        const user = newUser({ roles: ['user', 'dev'] });
        const created = await stores.users.create(user);
        assert.equal(created.updatedAt, user.createdAt);
        assert.equal(created.passwordChangedAt, user.createdAt);
        assert.deepEqual(await stores.users.findById(user.id), created);
        assert.deepEqual(await stores.users.findByEmail(user.email), created);
        assert.equal(await stores.users.findById('u_missing'), undefined);
        assert.equal(await stores.users.findByEmail('missing@example.com'), undefined);

        const updated = await stores.users.update(user.id, {
          roles: ['admin'],
          disabled: true,
          updatedAt: T0 + 5,
        });
        assert.deepEqual(updated?.roles, ['admin']);
        assert.equal(updated?.disabled, true);
        assert.equal(updated?.updatedAt, T0 + 5);
        assert.equal(updated?.passwordHash, user.passwordHash);
        const repassed = await stores.users.update(user.id, {
          passwordHash: 'new-hash',
          passwordChangedAt: T0 + 9,
          updatedAt: T0 + 9,
        });
        assert.equal(repassed?.passwordHash, 'new-hash');
        assert.equal(repassed?.passwordChangedAt, T0 + 9);
        assert.deepEqual(repassed?.roles, ['admin']);
        assert.equal(await stores.users.update('u_missing', { disabled: true, updatedAt: T0 }), undefined);
      });

      test('a taken email throws DuplicateEmailError', async () => {
        const first = newUser();
        await stores.users.create(first);
        await assert.rejects(stores.users.create({ ...newUser(), email: first.email }), DuplicateEmailError);
        assert.equal((await stores.users.findByEmail(first.email))?.id, first.id);
      });

      test('list pages newest first with `after`', async () => {
        const base = T0 + 1_000_000;
        const made: UserRecord[] = [];
        for (let i = 0; i < 5; i++) made.push(await stores.users.create(newUser({ createdAt: base + i })));
        const all = await stores.users.list({ limit: 1000 });
        const ours = all.filter((u) => made.some((m) => m.id === u.id)).map((u) => u.id);
        assert.deepEqual(ours, made.map((u) => u.id).reverse());
        const page1 = await stores.users.list({ limit: 2 });
        assert.deepEqual(
          page1.map((u) => u.id),
          [made[4]!.id, made[3]!.id],
        );
        const page2 = await stores.users.list({ limit: 2, after: page1[1]!.id });
        assert.deepEqual(
          page2.map((u) => u.id),
          [made[2]!.id, made[1]!.id],
        );
        for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.createdAt >= all[i]!.createdAt);
      });

      test('countWithRole matches whole role names only', async () => {
        const before = await stores.users.countWithRole('auditor');
        await stores.users.create(newUser({ roles: ['auditor'] }));
        await stores.users.create(newUser({ roles: ['user', 'auditor'] }));
        await stores.users.create(newUser({ roles: ['auditors', 'Auditor', 'x_auditor'] }));
        assert.equal(await stores.users.countWithRole('auditor'), before + 2);
        assert.equal(await stores.users.countWithRole('aud%'), 0);
        assert.equal(await stores.users.countWithRole('no-such-role'), 0);
      });

      test('countWithRole with enabledOnly leaves disabled accounts out', async () => {
        const before = await stores.users.countWithRole('overseer', { enabledOnly: true });
        await stores.users.create(newUser({ roles: ['overseer'] }));
        await stores.users.create(newUser({ roles: ['overseer'], disabled: true }));
        assert.equal(await stores.users.countWithRole('overseer', { enabledOnly: true }), before + 1);
        assert.equal(await stores.users.countWithRole('overseer'), before + 2);
      });
      test('updateKeepingRole writes only while another enabled holder exists (whole role names)', async () => {
        const now = Date.now();
        const a = await stores.users.create(newUser({ roles: ['warden'] }));
        // Neither a disabled holder nor a look-alike role name counts as another holder.
        await stores.users.create(newUser({ roles: ['warden'], disabled: true }));
        await stores.users.create(newUser({ roles: ['wardens', 'Warden', 'x_warden'] }));
        const last = await stores.users.updateKeepingRole(a.id, 'warden', {
          roles: ['user'],
          updatedAt: now,
        });
        assert.equal(last, 'last_holder');
        assert.deepEqual((await stores.users.findById(a.id))?.roles, ['warden']);
        assert.equal(
          await stores.users.updateKeepingRole('u_no_such_user', 'warden', {
            disabled: true,
            updatedAt: now,
          }),
          undefined,
        );
        const b = await stores.users.create(newUser({ roles: ['warden'] }));
        const done = await stores.users.updateKeepingRole(a.id, 'warden', { disabled: true, updatedAt: now });
        assert.equal(typeof done === 'object' && done.disabled, true);
        assert.equal(
          await stores.users.updateKeepingRole(b.id, 'warden', { roles: [], updatedAt: now }),
          'last_holder',
        );
      });

      test('updateKeepingRole: two holders removing each other at once, exactly one passes', async () => {
        for (let round = 0; round < 10; round++) {
          const role = `keeper${round}`;
          const a = await stores.users.create(newUser({ roles: [role] }));
          const b = await stores.users.create(newUser({ roles: [role] }));
          const outcomes = await Promise.all([
            stores.users.updateKeepingRole(a.id, role, { roles: ['user'], updatedAt: Date.now() }),
            stores.users.updateKeepingRole(b.id, role, { disabled: true, updatedAt: Date.now() }),
          ]);
          assert.equal(outcomes.filter((o) => o === 'last_holder').length, 1, `round ${round}`);
          assert.equal(await stores.users.countWithRole(role, { enabledOnly: true }), 1, `round ${round}`);
        }
      });
    });

    describe('sessions', () => {
      test('create, get, list live sessions newest first, touch, revoke', async () => {
        const user = await stores.users.create(newUser());
        const old = await stores.sessions.create(newSession(user.id, { createdAt: T0 }));
        const recent = await stores.sessions.create(newSession(user.id, { createdAt: T0 + 10 }));
        const expired = await stores.sessions.create(
          newSession(user.id, { createdAt: T0 + 20, expiresAt: T0 + 50 }),
        );
        assert.equal(old.revokedAt, null);
        assert.deepEqual(await stores.sessions.get(old.id), old);
        assert.equal(await stores.sessions.get('s_missing'), undefined);

        const live = await stores.sessions.listActiveByUser(user.id, T0 + 100);
        assert.deepEqual(
          live.map((s) => s.id),
          [recent.id, old.id],
        );
        assert.ok(!live.some((s) => s.id === expired.id));

        await stores.sessions.touch(old.id, T0 + 60, '198.51.100.1');
        const touched = await stores.sessions.get(old.id);
        assert.equal(touched?.lastUsedAt, T0 + 60);
        assert.equal(touched?.ip, '198.51.100.1');

        assert.equal(await stores.sessions.revoke(old.id, T0 + 70, 'logout'), true);
        assert.equal(await stores.sessions.revoke(old.id, T0 + 80, 'admin'), false);
        assert.equal(await stores.sessions.revoke('s_missing', T0, 'logout'), false);
        const revoked = await stores.sessions.get(old.id);
        assert.equal(revoked?.revokedAt, T0 + 70);
        assert.equal(revoked?.revokedReason, 'logout');
        assert.deepEqual(
          (await stores.sessions.listActiveByUser(user.id, T0 + 100)).map((s) => s.id),
          [recent.id],
        );
      });

      test('revokeAllForUser revokes every live session but the excepted one', async () => {
        const user = await stores.users.create(newUser());
        const other = await stores.users.create(newUser());
        const a = await stores.sessions.create(newSession(user.id));
        const b = await stores.sessions.create(newSession(user.id));
        const keep = await stores.sessions.create(newSession(user.id));
        const gone = await stores.sessions.create(newSession(user.id));
        await stores.sessions.revoke(gone.id, T0 + 1, 'logout');
        const foreign = await stores.sessions.create(newSession(other.id));

        const ids = await stores.sessions.revokeAllForUser(user.id, T0 + 5, 'logout_all', keep.id);
        assert.deepEqual([...ids].sort(), [a.id, b.id].sort());
        assert.equal((await stores.sessions.get(a.id))?.revokedReason, 'logout_all');
        assert.equal((await stores.sessions.get(gone.id))?.revokedReason, 'logout');
        assert.equal((await stores.sessions.get(keep.id))?.revokedAt, null);
        assert.equal((await stores.sessions.get(foreign.id))?.revokedAt, null);
        assert.deepEqual(await stores.sessions.revokeAllForUser(user.id, T0 + 6, 'logout_all', keep.id), []);
        assert.deepEqual(await stores.sessions.revokeAllForUser(user.id, T0 + 7, 'password_change'), [
          keep.id,
        ]);
      });
    });

    describe('refresh tokens', () => {
      async function family() {
        const user = await stores.users.create(newUser());
        const session = await stores.sessions.create(newSession(user.id));
        return { user, session };
      }

      test('insert, get, consume rotates once, then reports spent', async () => {
        const { user, session } = await family();
        const first = newToken(session.id, user.id);
        await stores.refreshTokens.insert(first);
        assert.deepEqual(await stores.refreshTokens.get(first.hash), {
          ...first,
          spentAt: null,
          successorHash: null,
        });

        const second = newToken(session.id, user.id, T0 + 1);
        const result = await stores.refreshTokens.consume(first.hash, T0 + 1, second);
        assert.equal(result.status, 'rotated');
        assert.equal(result.status === 'rotated' && result.token.spentAt, T0 + 1);
        assert.equal(result.status === 'rotated' && result.token.successorHash, second.hash);
        assert.deepEqual(await stores.refreshTokens.get(second.hash), {
          ...second,
          spentAt: null,
          successorHash: null,
        });

        const third = newToken(session.id, user.id, T0 + 2);
        const again = await stores.refreshTokens.consume(first.hash, T0 + 2, third);
        assert.equal(again.status, 'spent');
        assert.equal(again.status === 'spent' && again.token.successorHash, second.hash);
        assert.equal(again.status === 'spent' && again.token.spentAt, T0 + 1);
        assert.equal(await stores.refreshTokens.get(third.hash), undefined);

        const unknown = await stores.refreshTokens.consume('no-such-hash', T0, newToken(session.id, user.id));
        assert.deepEqual(unknown, { status: 'unknown' });
      });

      test('rotate: one transaction spends, inserts the successor, touches the session, audits', async () => {
        const { user, session } = await family();
        const first = newToken(session.id, user.id);
        await stores.refreshTokens.insert(first);
        const successorHash = randomBytes(32).toString('base64url');
        const at = T0 + 5_000;
        const request = {
          hash: first.hash,
          now: at,
          successorHash,
          successorExpiresAt: at + 1_000,
          ip: '198.51.100.9',
        };
        const result = await stores.refreshTokens.rotate(request);
        assert.equal(result.status, 'rotated');
        if (result.status !== 'rotated') return;
        assert.equal(result.user.id, user.id);
        assert.deepEqual(result.user.roles, user.roles);
        assert.equal(result.session.id, session.id);
        assert.equal(result.successorExpiresAt, at + 1_000);
        assert.equal((await stores.refreshTokens.get(first.hash))?.successorHash, successorHash);
        assert.equal((await stores.refreshTokens.get(successorHash))?.expiresAt, at + 1_000);
        const touched = await stores.sessions.get(session.id);
        assert.equal(touched?.lastUsedAt, at);
        assert.equal(touched?.ip, '198.51.100.9');
        const audit = await stores.audit.query({ limit: 5, sub: user.id, event: 'refresh_succeeded' });
        assert.equal(audit.length, 1);
        assert.equal(audit[0]?.sessionId, session.id);

        // Presented again: nothing written, and the caller learns what the first call wrote.
        const again = await stores.refreshTokens.rotate({ ...request, now: at + 1 });
        assert.equal(again.status, 'not_rotated');
        assert.equal(again.status === 'not_rotated' && again.token.spentAt, at);
        assert.equal(again.status === 'not_rotated' && again.successorExpiresAt, at + 1_000);
        assert.equal(
          (await stores.audit.query({ limit: 5, sub: user.id, event: 'refresh_succeeded' })).length,
          1,
        );
        assert.deepEqual(await stores.refreshTokens.rotate({ ...request, hash: 'no-such-hash' }), {
          status: 'unknown',
        });
      });

      test('rotate: a revoked session or a session past its cap writes nothing; 30 concurrent rotations: one wins', async () => {
        const { user, session } = await family();
        const token = newToken(session.id, user.id);
        await stores.refreshTokens.insert(token);
        const request = () => ({
          hash: token.hash,
          now: T0 + 10,
          successorHash: randomBytes(32).toString('base64url'),
          successorExpiresAt: T0 + 40 * 86_400_000,
          ip: '198.51.100.9',
        });
        // The successor never outlives the session.
        const results = await Promise.all(
          Array.from({ length: 30 }, () => stores.refreshTokens.rotate(request())),
        );
        const rotated = results.filter((r) => r.status === 'rotated');
        assert.equal(rotated.length, 1);
        assert.equal(rotated[0]?.status === 'rotated' && rotated[0].successorExpiresAt, session.expiresAt);

        const other = await family();
        const live = newToken(other.session.id, other.user.id);
        await stores.refreshTokens.insert(live);
        await stores.sessions.revoke(other.session.id, T0 + 1, 'test');
        const refused = await stores.refreshTokens.rotate({ ...request(), hash: live.hash });
        assert.equal(refused.status, 'not_rotated');
        assert.equal((await stores.refreshTokens.get(live.hash))?.spentAt, null);
      });

      test('50 concurrent consumes of one token: exactly one rotates', async () => {
        const { user, session } = await family();
        const token = newToken(session.id, user.id);
        await stores.refreshTokens.insert(token);
        const successors = Array.from({ length: 50 }, (_, i) => newToken(session.id, user.id, T0 + i));
        const results = await Promise.all(
          successors.map((s, i) => stores.refreshTokens.consume(token.hash, T0 + 100 + i, s)),
        );
        const rotated = results.filter((r) => r.status === 'rotated');
        assert.equal(rotated.length, 1);
        assert.equal(results.filter((r) => r.status === 'spent').length, 49);
        const winner = rotated[0]!.status === 'rotated' ? rotated[0]!.token.successorHash : null;
        const present = [];
        for (const s of successors) if (await stores.refreshTokens.get(s.hash)) present.push(s.hash);
        assert.deepEqual(present, [winner]);
        for (const r of results) assert.equal(r.status !== 'unknown' && r.token.successorHash, winner);
      });

      test('concurrent consumes from two instances: exactly one rotates', async () => {
        const other = await openInstance();
        const { user, session } = await family();
        const token = newToken(session.id, user.id);
        await stores.refreshTokens.insert(token);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? other : stores).refreshTokens.consume(token.hash, T0 + i, newToken(session.id, user.id)),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'rotated').length, 1);
        assert.equal(results.filter((r) => r.status === 'spent').length, 19);
      });

      test('revokeFamily removes every token of the family and no other', async () => {
        const a = await family();
        const b = await family();
        const tokens = [newToken(a.session.id, a.user.id), newToken(a.session.id, a.user.id)];
        for (const t of tokens) await stores.refreshTokens.insert(t);
        const next = newToken(a.session.id, a.user.id);
        await stores.refreshTokens.consume(tokens[0]!.hash, T0 + 1, next);
        const foreign = newToken(b.session.id, b.user.id);
        await stores.refreshTokens.insert(foreign);

        assert.equal(await stores.refreshTokens.revokeFamily(a.session.id), 3);
        for (const t of [...tokens, next]) assert.equal(await stores.refreshTokens.get(t.hash), undefined);
        const replay = await stores.refreshTokens.consume(
          tokens[1]!.hash,
          T0 + 2,
          newToken(a.session.id, a.user.id),
        );
        assert.equal(replay.status, 'unknown');
        assert.ok(await stores.refreshTokens.get(foreign.hash));
        assert.equal(await stores.refreshTokens.revokeFamily(a.session.id), 0);
      });

      test('deleteExpired drops only rows past expiry', async () => {
        const { user, session } = await family();
        const expired = { ...newToken(session.id, user.id), expiresAt: T0 - 1_000_000_000 };
        const live = newToken(session.id, user.id);
        await stores.refreshTokens.insert(expired);
        await stores.refreshTokens.insert(live);
        assert.ok((await stores.refreshTokens.deleteExpired(T0 - 500_000_000)) >= 1);
        assert.equal(await stores.refreshTokens.get(expired.hash), undefined);
        assert.ok(await stores.refreshTokens.get(live.hash));
      });
    });

    describe('keys', () => {
      test('insert, list, compare-and-set transitions with timestamps, delete', async () => {
        const kid = id('k');
        await stores.keys.insert(newKey(kid));
        const listed = (await stores.keys.list()).find((k) => k.kid === kid);
        assert.deepEqual(listed, newKey(kid));

        assert.equal(await stores.keys.transition(kid, 'active', 'retiring', T0 + 1), false);
        assert.equal(await stores.keys.transition(kid, 'next', 'active', T0 + 2), true);
        assert.equal(await stores.keys.transition(kid, 'next', 'active', T0 + 3), false);
        assert.equal(await stores.keys.transition(kid, 'active', 'retiring', T0 + 4), true);
        assert.equal(await stores.keys.transition(kid, 'retiring', 'retired', T0 + 5), true);
        const moved = (await stores.keys.list()).find((k) => k.kid === kid);
        assert.equal(moved?.state, 'retired');
        assert.equal(moved?.activatedAt, T0 + 2);
        assert.equal(moved?.retiringAt, T0 + 4);
        assert.equal(moved?.retiredAt, T0 + 5);
        assert.equal(await stores.keys.transition('k_missing', 'next', 'active', T0), false);

        await stores.keys.delete(kid);
        assert.ok(!(await stores.keys.list()).some((k) => k.kid === kid));
      });

      test('concurrent transitions of one key from two instances: one wins', async () => {
        const other = await openInstance();
        const kid = id('k');
        await stores.keys.insert(newKey(kid));
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? other : stores).keys.transition(kid, 'next', 'active', T0 + i),
          ),
        );
        assert.equal(results.filter(Boolean).length, 1);
      });

      test('rotation lock: busy without wait, exclusive with wait, across instances', async () => {
        const other = await openInstance();
        let release!: () => void;
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => {
          entered = resolve;
        });
        const holder = stores.keys.withRotationLock(async () => {
          entered();
          await held;
          return 'first';
        });
        await inside;
        assert.equal(await other.keys.withRotationLock(async () => 'second', { wait: false }), undefined);
        assert.equal(
          await stores.keys.withRotationLock(async () => 'same-instance', { wait: false }),
          undefined,
        );
        release();
        assert.equal(await holder, 'first');
        assert.equal(await other.keys.withRotationLock(async () => 'free', { wait: false }), 'free');

        // With wait, sections on both instances run one at a time and all complete.
        let active = 0;
        let maxActive = 0;
        const order: number[] = [];
        await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            (i % 2 ? other : stores).keys.withRotationLock(async () => {
              active += 1;
              maxActive = Math.max(maxActive, active);
              await sleep(5);
              // Store calls inside the section must work (no self-deadlock).
              await (i % 2 ? other : stores).keys.list();
              order.push(i);
              active -= 1;
            }),
          ),
        );
        assert.equal(maxActive, 1);
        assert.equal(order.length, 6);

        // A throwing section releases the lock.
        await assert.rejects(
          stores.keys.withRotationLock(async () => {
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.equal(await other.keys.withRotationLock(async () => 42, { wait: false }), 42);
      });
    });

    describe('revocations', () => {
      test('cursors increase, since filters by cursor, expiry and limit', async () => {
        const start = await stores.revocations.latestCursor();
        const nowSec = Math.floor(T0 / 1000);
        const a = await stores.revocations.add(
          { type: 'jti', value: 'j1', iatBefore: null, exp: nowSec + 900 },
          T0,
        );
        const b = await stores.revocations.add(
          { type: 'sid', value: 's1', iatBefore: null, exp: nowSec + 10 },
          T0,
        );
        const c = await stores.revocations.add(
          { type: 'sub', value: 'u_1', iatBefore: nowSec - 5, exp: nowSec + 900 },
          T0 + 1,
        );
        assert.ok(a.cursor > start && b.cursor > a.cursor && c.cursor > b.cursor);
        assert.deepEqual(c, {
          cursor: c.cursor,
          type: 'sub',
          value: 'u_1',
          iatBefore: nowSec - 5,
          exp: nowSec + 900,
          createdAt: T0 + 1,
        });
        assert.equal(await stores.revocations.latestCursor(), c.cursor);

        assert.deepEqual(await stores.revocations.since(start, nowSec, 100), [a, b, c]);
        assert.deepEqual(await stores.revocations.since(a.cursor, nowSec, 100), [b, c]);
        assert.deepEqual(await stores.revocations.since(start, nowSec, 2), [a, b]);
        // b has expired at nowSec + 10: a verifier no longer needs it.
        assert.deepEqual(await stores.revocations.since(start, nowSec + 10, 100), [a, c]);
      });

      test('concurrent adds get distinct increasing cursors', async () => {
        const other = await openInstance();
        const nowSec = Math.floor(T0 / 1000);
        const added = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? other : stores).revocations.add(
              { type: 'jti', value: `c${i}`, iatBefore: null, exp: nowSec + 60 },
              T0,
            ),
          ),
        );
        const cursors = added.map((r) => r.cursor);
        assert.equal(new Set(cursors).size, 20);
        const seen = await stores.revocations.since(Math.min(...cursors) - 1, nowSec, 1000);
        const seenCursors = seen.map((r) => r.cursor);
        assert.deepEqual(
          seenCursors,
          [...seenCursors].sort((x, y) => x - y),
        );
        for (const cursor of cursors) assert.ok(seenCursors.includes(cursor));
      });

      test('deleteExpired bounds the table and the cursor never goes backwards', async () => {
        const nowSec = Math.floor(T0 / 1000) + 10_000;
        const live = await stores.revocations.add(
          { type: 'jti', value: 'live', iatBefore: null, exp: nowSec + 900 },
          T0,
        );
        const last = await stores.revocations.add(
          { type: 'jti', value: 'last', iatBefore: null, exp: nowSec - 1 },
          T0,
        );
        assert.ok((await stores.revocations.deleteExpired(nowSec)) >= 1);
        assert.equal(await stores.revocations.latestCursor(), last.cursor);
        const remaining = await stores.revocations.since(0, nowSec, 10_000);
        assert.ok(remaining.every((r) => r.exp > nowSec));
        assert.ok(remaining.some((r) => r.cursor === live.cursor));
        const next = await stores.revocations.add(
          { type: 'jti', value: 'next', iatBefore: null, exp: nowSec + 5 },
          T0,
        );
        assert.ok(next.cursor > last.cursor);
      });
    });

    describe('audit', () => {
      test('append and query newest first with filters and paging', async () => {
        const sub = id('u');
        const events = [
          { event: 'login_failed', at: T0 + 1 },
          { event: 'login_succeeded', at: T0 + 2 },
          { event: 'refresh_succeeded', at: T0 + 3 },
          { event: 'login_failed', at: T0 + 4 },
          { event: 'logout', at: T0 + 5 },
        ];
        for (const e of events) {
          await stores.audit.append({
            ...e,
            sub,
            actor: null,
            ip: '203.0.113.9',
            sessionId: 's_1',
            details: { reason: 'test', n: e.at - T0 },
          });
        }
        await stores.audit.append({
          event: 'login_failed',
          at: T0 + 6,
          sub: id('u'),
          actor: 'admin',
          ip: null,
          sessionId: null,
          details: {},
        });

        const mine = await stores.audit.query({ sub, limit: 100 });
        assert.deepEqual(
          mine.map((r) => r.event),
          events.map((e) => e.event).reverse(),
        );
        assert.deepEqual(mine[0]?.details, { reason: 'test', n: 5 });
        assert.equal(mine[0]?.ip, '203.0.113.9');
        assert.equal(mine[0]?.sessionId, 's_1');
        for (let i = 1; i < mine.length; i++) assert.ok(mine[i - 1]!.id > mine[i]!.id);

        const failed = await stores.audit.query({ sub, event: 'login_failed', limit: 100 });
        assert.deepEqual(
          failed.map((r) => r.at),
          [T0 + 4, T0 + 1],
        );
        const recent = await stores.audit.query({ sub, since: T0 + 3, limit: 100 });
        assert.deepEqual(
          recent.map((r) => r.at),
          [T0 + 5, T0 + 4, T0 + 3],
        );
        const page1 = await stores.audit.query({ sub, limit: 2 });
        const page2 = await stores.audit.query({ sub, limit: 2, before: page1[1]!.id });
        assert.deepEqual(
          [...page1, ...page2].map((r) => r.at),
          [T0 + 5, T0 + 4, T0 + 3, T0 + 2],
        );
        const anyFailed = await stores.audit.query({ event: 'login_failed', limit: 1 });
        assert.equal(anyFailed.length, 1);
        assert.equal(anyFailed[0]?.actor, 'admin');
      });
    });

    mfaStoreConformance(() => stores, openInstance);

    describe('oauth clients', () => {
      test('create, get, list, update', async () => {
        const client = {
          id: id('c'),
          name: 'billing',
          secretHash: 'sha256:abc',
          scopes: ['revocations:read', 'introspect'],
          audiences: ['api.example.com'],
          createdAt: T0,
          disabled: false,
          grantTypes: ['client_credentials'],
          authMethod: 'client_secret_basic' as const,
          jwks: null,
          jwksUri: null,
        };
        assert.deepEqual(await stores.clients.create(client), client);
        assert.deepEqual(await stores.clients.get(client.id), client);
        assert.equal(await stores.clients.get('c_missing'), undefined);
        assert.ok((await stores.clients.list()).some((c) => c.id === client.id));
        await stores.clients.update(client.id, { disabled: true, scopes: ['introspect'] });
        assert.deepEqual(await stores.clients.get(client.id), {
          ...client,
          disabled: true,
          scopes: ['introspect'],
        });
        await stores.clients.update(client.id, {});
        assert.equal((await stores.clients.get(client.id))?.disabled, true);
        await stores.clients.update(client.id, {
          grantTypes: ['urn:ietf:params:oauth:grant-type:token-exchange'],
          authMethod: 'private_key_jwt',
          jwks: '{"keys":[]}',
          secretHash: '',
        });
        const changed = await stores.clients.get(client.id);
        assert.deepEqual(changed?.grantTypes, ['urn:ietf:params:oauth:grant-type:token-exchange']);
        assert.equal(changed?.authMethod, 'private_key_jwt');
        assert.equal(changed?.jwks, '{"keys":[]}');
        assert.equal(changed?.secretHash, '');
        assert.equal(await stores.clients.delete(client.id), true);
        assert.equal(await stores.clients.get(client.id), undefined);
        assert.equal(await stores.clients.delete(client.id), false);
      });

      test('assertion jtis: a replay inside the lifetime is refused, concurrent inserts never both win', async () => {
        const clientId = id('c');
        assert.equal(await stores.clients.rememberAssertion(clientId, 'j1', T0 + 60_000, T0), true);
        assert.equal(await stores.clients.rememberAssertion(clientId, 'j1', T0 + 60_000, T0 + 1), false);
        // another client may use the same jti
        assert.equal(await stores.clients.rememberAssertion(id('c'), 'j1', T0 + 60_000, T0), true);
        const racing = await Promise.all(
          Array.from({ length: 8 }, () => stores.clients.rememberAssertion(clientId, 'j2', T0 + 60_000, T0)),
        );
        assert.equal(racing.filter(Boolean).length, 1);
        // once expired, the entry no longer blocks
        assert.equal(await stores.clients.rememberAssertion(clientId, 'j1', T0 + 120_000, T0 + 60_001), true);
      });
    });

    test('restart: a reopened database has everything', async () => {
      const user = await stores.users.create(newUser({ roles: ['admin'] }));
      const session = await stores.sessions.create(newSession(user.id));
      const token = newToken(session.id, user.id);
      await stores.refreshTokens.insert(token);
      const kid = id('k');
      await stores.keys.insert(newKey(kid, 'active'));
      const revocation = await stores.revocations.add(
        { type: 'sid', value: session.id, iatBefore: null, exp: Math.floor(T0 / 1000) + 900 },
        T0,
      );
      await stores.audit.append({
        event: 'user_created',
        at: T0,
        sub: user.id,
        actor: null,
        ip: null,
        sessionId: null,
        details: {},
      });

      for (const s of opened.splice(0)) await s.close();
      stores = await database.open();
      opened.push(stores);
      assert.deepEqual(await stores.migrate(), []);

      assert.deepEqual((await stores.users.findByEmail(user.email))?.roles, ['admin']);
      assert.equal((await stores.sessions.get(session.id))?.userId, user.id);
      assert.equal((await stores.refreshTokens.get(token.hash))?.sessionId, session.id);
      assert.equal((await stores.keys.list()).find((k) => k.kid === kid)?.state, 'active');
      assert.equal(await stores.revocations.latestCursor(), revocation.cursor);
      assert.equal((await stores.audit.query({ sub: user.id, limit: 1 }))[0]?.event, 'user_created');
    });
  });
}
