import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDatabaseUrl, redactDatabaseUrl } from './database-url.js';

describe('parseDatabaseUrl', () => {
  test('sqlite paths, relative and absolute, and memory', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite:./data/tessera.db'), {
      kind: 'sqlite',
      path: './data/tessera.db',
    });
    assert.deepEqual(parseDatabaseUrl('sqlite:/var/lib/tessera.db'), {
      kind: 'sqlite',
      path: '/var/lib/tessera.db',
    });
    assert.deepEqual(parseDatabaseUrl('sqlite:///var/lib/tessera.db'), {
      kind: 'sqlite',
      path: '/var/lib/tessera.db',
    });
    assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { kind: 'sqlite', path: ':memory:' });
  });

  test('postgres and postgresql URLs', () => {
    const url = 'postgres://u:p@db:5432/tessera?sslmode=require';
    assert.deepEqual(parseDatabaseUrl(url), { kind: 'postgres', url });
    assert.equal(parseDatabaseUrl('postgresql://db/tessera').kind, 'postgres');
  });

  test('unknown schemes and empty paths name TESSERA_DATABASE_URL', () => {
    for (const bad of ['mysql://db/x', 'sqlite:', 'tessera.db', '']) {
      assert.throws(() => parseDatabaseUrl(bad), /^Error: TESSERA_DATABASE_URL: /);
    }
    assert.throws(() => parseDatabaseUrl('mysql://db/x'), /scheme "mysql:"/);
  });
});

test('redactDatabaseUrl hides the password only', () => {
  assert.equal(
    redactDatabaseUrl('postgres://tessera:s3cr%40t@db:5432/x'),
    'postgres://tessera:***@db:5432/x',
  );
  assert.equal(redactDatabaseUrl('postgres://db:5432/x'), 'postgres://db:5432/x');
  assert.equal(redactDatabaseUrl('sqlite:./a.db'), 'sqlite:./a.db');
});
