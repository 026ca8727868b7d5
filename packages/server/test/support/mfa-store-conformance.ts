// MfaStore conformance, run by stores-conformance.ts on every backend (SQLite, PostgreSQL): the
// single-use operations are raced from two instances, and exactly one caller may win each.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { NewFactor } from '../../src/mfa/mfa-store.js';
import type { Stores } from '../../src/stores/index.js';

const T0 = 1_700_000_000_000;
const id = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url')}`;

async function newUser(stores: Stores) {
  return stores.users.create({
    id: id('u'),
    email: `${id('mfa')}@example.com`.toLowerCase(),
    passwordHash: 'hash',
    roles: ['user'],
    disabled: false,
    createdAt: T0,
  });
}

function totp(userId: string, overrides: Partial<NewFactor> = {}): NewFactor {
  return {
    id: id('f'),
    userId,
    type: 'totp',
    name: 'app',
    createdAt: T0,
    confirmedAt: null,
    secretEnc: 'tsk1.sealed',
    credentialId: null,
    publicKey: null,
    counter: null,
    transports: [],
    deviceType: null,
    ...overrides,
  };
}

export function mfaStoreConformance(stores: () => Stores, openInstance: () => Promise<Stores>): void {
  describe('second factors', () => {
    test('factors: insert, get, list, confirm once, delete; passkeys found by credential id', async () => {
      const s = stores();
      const user = await newUser(s);
      const f = await s.mfa.insertFactor(totp(user.id));
      assert.deepEqual(await s.mfa.getFactor(f.id), f);
      assert.equal(await s.mfa.confirmFactor(f.id, T0 + 1), true);
      assert.equal(await s.mfa.confirmFactor(f.id, T0 + 2), false);
      const key = await s.mfa.insertFactor(
        totp(user.id, {
          type: 'webauthn',
          name: 'key',
          createdAt: T0 + 5,
          confirmedAt: T0 + 5,
          secretEnc: null,
          credentialId: id('cred'),
          publicKey: 'cose',
          counter: 0,
          transports: ['internal', 'usb'],
          deviceType: 'singleDevice',
        }),
      );
      assert.deepEqual(await s.mfa.findByCredentialId(key.credentialId as string), key);
      const list = await s.mfa.listFactors(user.id);
      assert.deepEqual(
        list.map((x) => [x.id, x.confirmedAt]),
        [
          [f.id, T0 + 1],
          [key.id, T0 + 5],
        ],
      );
      assert.equal(await s.mfa.deleteFactor(key.id), true);
      assert.equal(await s.mfa.deleteFactor(key.id), false);
      assert.equal(await s.mfa.findByCredentialId(key.credentialId as string), undefined);
    });

    test('a TOTP step is accepted once, from any instance; only later steps after it', async () => {
      const a = stores();
      const b = await openInstance();
      const user = await newUser(a);
      const f = await a.mfa.insertFactor(totp(user.id, { confirmedAt: T0 }));
      const results = await Promise.all([
        ...Array.from({ length: 5 }, () => a.mfa.useTotpStep(f.id, 100, T0)),
        ...Array.from({ length: 5 }, () => b.mfa.useTotpStep(f.id, 100, T0)),
      ]);
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await a.mfa.useTotpStep(f.id, 99, T0), false, 'an older step');
      assert.equal(await b.mfa.useTotpStep(f.id, 101, T0), true, 'the next step');
      assert.equal((await a.mfa.getFactor(f.id))?.lastStep, 101);
    });

    test('the signature counter moves by compare-and-set', async () => {
      const a = stores();
      const b = await openInstance();
      const user = await newUser(a);
      const key = await a.mfa.insertFactor(
        totp(user.id, {
          type: 'webauthn',
          secretEnc: null,
          credentialId: id('cred'),
          publicKey: 'k',
          counter: 3,
        }),
      );
      const results = await Promise.all([
        a.mfa.useCredential(key.id, 3, 4, T0),
        b.mfa.useCredential(key.id, 3, 4, T0),
      ]);
      assert.deepEqual(results.sort(), [false, true]);
      assert.equal(await a.mfa.useCredential(key.id, 3, 5, T0), false, 'stale expected value');
      assert.equal((await b.mfa.getFactor(key.id))?.counter, 4);
    });

    test('recovery codes: each used once, only by their user; replacing kills the old ones', async () => {
      const a = stores();
      const b = await openInstance();
      const user = await newUser(a);
      const other = await newUser(a);
      await a.mfa.replaceRecoveryCodes(
        user.id,
        ['h1', 'h2', 'h3'].map((h) => `${user.id}:${h}`),
        T0,
      );
      assert.equal(await a.mfa.countUnusedRecoveryCodes(user.id), 3);
      assert.equal(await a.mfa.useRecoveryCode(other.id, `${user.id}:h1`, T0), false);
      const races = await Promise.all([
        a.mfa.useRecoveryCode(user.id, `${user.id}:h1`, T0),
        b.mfa.useRecoveryCode(user.id, `${user.id}:h1`, T0),
      ]);
      assert.deepEqual(races.sort(), [false, true]);
      assert.equal(await a.mfa.countUnusedRecoveryCodes(user.id), 2);
      await b.mfa.replaceRecoveryCodes(user.id, [`${user.id}:h9`], T0 + 1);
      assert.equal(await a.mfa.useRecoveryCode(user.id, `${user.id}:h2`, T0), false);
      assert.equal(await a.mfa.countUnusedRecoveryCodes(user.id), 1);
      assert.equal(await a.mfa.deleteAllForUser(user.id), 0);
      assert.equal(await a.mfa.countUnusedRecoveryCodes(user.id), 0);
    });

    test('challenges: consumed once across instances, never after expiry; session auth upserts', async () => {
      const a = stores();
      const b = await openInstance();
      const user = await newUser(a);
      const cid = id('c');
      await a.mfa.insertChallenge({
        id: cid,
        kind: 'mfa_login',
        userId: user.id,
        data: { amr: ['pwd'] },
        createdAt: T0,
        expiresAt: T0 + 1000,
      });
      assert.equal(await a.mfa.getChallenge(cid, 'mfa_enrol', T0), undefined, 'another kind');
      assert.deepEqual((await b.mfa.getChallenge(cid, 'mfa_login', T0))?.data, { amr: ['pwd'] });
      assert.equal(await a.mfa.consumeChallenge(cid, 'mfa_login', T0 + 1000), undefined, 'expired');
      const races = await Promise.all([
        a.mfa.consumeChallenge(cid, 'mfa_login', T0 + 1),
        b.mfa.consumeChallenge(cid, 'mfa_login', T0 + 1),
      ]);
      assert.equal(races.filter((r) => r !== undefined).length, 1);
      assert.equal(races.find((r) => r)?.userId, user.id);
      assert.equal(await a.mfa.getChallenge(cid, 'mfa_login', T0 + 2), undefined);
      assert.ok((await a.mfa.deleteExpiredChallenges(T0 + 5000)) >= 1);

      const session = await a.sessions.create({
        id: id('s'),
        userId: user.id,
        device: 'd',
        userAgent: 'ua',
        ip: '127.0.0.1',
        createdAt: T0,
        lastUsedAt: T0,
        expiresAt: T0 + 86_400_000,
      });
      assert.equal(await a.mfa.getSessionAuth(session.id), undefined);
      await a.mfa.setSessionAuth(session.id, { amr: ['pwd'], authTime: T0 });
      await b.mfa.setSessionAuth(session.id, { amr: ['otp', 'pwd', 'mfa'], authTime: T0 + 60_000 });
      assert.deepEqual(await a.mfa.getSessionAuth(session.id), {
        amr: ['otp', 'pwd', 'mfa'],
        authTime: T0 + 60_000,
      });
    });
  });
}
