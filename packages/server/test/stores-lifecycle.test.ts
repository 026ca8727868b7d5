// The LifecycleStore (migration 004) on SQLite and PostgreSQL: a mail token is spent once even by
// concurrent calls from two instances, a new token of a kind kills the older ones of that user and
// kind only, and expired, unknown or wrong-kind tokens are never spent.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createStores } from '../src/stores/index.js';
import type { Stores } from '../src/stores/types.js';
import { createTempPostgres, isCi, POSTGRES_MISSING, testPostgresUrl } from './support/db-postgres.js';

const T0 = 1_800_000_000_000;

const backends: Array<{ name: string; make(): Promise<{ url: string; dispose(): Promise<void> }> }> = [
  {
    name: 'sqlite',
    async make() {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-lifecycle-'));
      return {
        url: `sqlite:${join(dir, 't.db')}`,
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];
const pgUrl = testPostgresUrl();
if (pgUrl) backends.push({ name: 'postgres', make: () => createTempPostgres(pgUrl) });
else if (isCi()) throw new Error(POSTGRES_MISSING);

for (const backend of backends) {
  describe(`lifecycle store on ${backend.name}`, () => {
    let a: Stores;
    let b: Stores;
    let dispose: () => Promise<void>;
    before(async () => {
      const db = await backend.make();
      dispose = db.dispose;
      a = await createStores({ databaseUrl: db.url });
      await a.migrate();
      b = await createStores({ databaseUrl: db.url });
      for (const id of ['u_1', 'u_2']) {
        await a.users.create({
          id,
          email: `${id}@example.com`,
          passwordHash: 'x',
          roles: ['user'],
          disabled: false,
          createdAt: T0,
        });
      }
    });
    after(async () => {
      await a.close();
      await b.close();
      await dispose();
    });

    const token = (
      hash: string,
      userId = 'u_1',
      kind: 'verify_email' | 'reset_password' = 'reset_password',
    ) => ({
      hash,
      userId,
      kind,
      email: `${userId}@example.com`,
      createdAt: T0,
      expiresAt: T0 + 60_000,
    });

    test('40 concurrent spends from two instances: exactly one wins', async () => {
      await a.lifecycle.issueMailToken(token('h-race'));
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? a : b).lifecycle.consumeMailToken('h-race', 'reset_password', T0 + 1),
        ),
      );
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await a.lifecycle.consumeMailToken('h-race', 'reset_password', T0 + 2), undefined);
    });

    test('a new token supersedes the same user and kind only', async () => {
      await a.lifecycle.issueMailToken(token('h-old'));
      await a.lifecycle.issueMailToken(token('h-other-user', 'u_2'));
      await a.lifecycle.issueMailToken(token('h-other-kind', 'u_1', 'verify_email'));
      await a.lifecycle.issueMailToken(token('h-new'));
      assert.equal(await a.lifecycle.findMailToken('h-old'), undefined);
      assert.ok(await a.lifecycle.consumeMailToken('h-other-user', 'reset_password', T0 + 1));
      assert.ok(await a.lifecycle.consumeMailToken('h-other-kind', 'verify_email', T0 + 1));
      assert.ok(await a.lifecycle.consumeMailToken('h-new', 'reset_password', T0 + 1));
    });

    test('expired, unknown and wrong-kind tokens are not spent', async () => {
      await a.lifecycle.issueMailToken(token('h-exp'));
      assert.equal(await a.lifecycle.consumeMailToken('h-exp', 'reset_password', T0 + 60_000), undefined);
      assert.equal(await a.lifecycle.consumeMailToken('h-nope', 'reset_password', T0), undefined);
      await a.lifecycle.issueMailToken(token('h-kind'));
      assert.equal(await a.lifecycle.consumeMailToken('h-kind', 'verify_email', T0 + 1), undefined);
      assert.ok(
        await a.lifecycle.consumeMailToken('h-kind', 'reset_password', T0 + 1),
        'still usable for its kind',
      );
      assert.ok((await a.lifecycle.deleteExpiredMailTokens(T0 + 120_000)) >= 2);
    });

    test('insertUsers keeps ids and verification; findUsers by email or id', async () => {
      await a.lifecycle.insertUsers(
        Array.from({ length: 250 }, (_, i) => ({
          id: `imp|${i}`,
          email: `imp${i}@example.com`,
          passwordHash: '$2b$04$abcdefghijklmnopqrstuu5d8RbQ4Dk4BFd6hSMuh9ZGCSW4ZCDMK',
          roles: ['user'],
          disabled: false,
          createdAt: T0,
          updatedAt: T0,
          passwordChangedAt: T0,
          emailVerifiedAt: i % 2 ? T0 : null,
        })),
      );
      const found = await b.lifecycle.findUsers(['imp1@example.com'], ['imp|2']);
      assert.deepEqual(found.map((u) => u.id).sort(), ['imp|1', 'imp|2']);
      assert.equal(found.find((u) => u.id === 'imp|1')?.emailVerifiedAt, T0);
      assert.equal(found.find((u) => u.id === 'imp|2')?.emailVerifiedAt, null);
      assert.equal((await b.users.findByEmail('imp249@example.com'))?.id, 'imp|249');
    });
  });
}
