import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { devMasterKeyPath, loadMasterKey, MasterKeyError, parseMasterKey } from './master-key.js';

describe('master key', () => {
  const raw = randomBytes(32);

  test('accepts hex, base64 and base64url of 32 bytes', () => {
    assert.deepEqual(parseMasterKey(raw.toString('hex')), raw);
    assert.deepEqual(parseMasterKey(raw.toString('base64')), raw);
    assert.deepEqual(parseMasterKey(` ${raw.toString('base64url')}\n`), raw);
  });

  test('rejects short, non-encoded and patterned keys without echoing them', () => {
    assert.throws(() => parseMasterKey(randomBytes(16).toString('base64')), /at least 32/);
    assert.throws(() => parseMasterKey('not a key!'), MasterKeyError);
    assert.throws(() => parseMasterKey(Buffer.alloc(32).toString('base64')), /not random/);
    try {
      parseMasterKey('secret-value-here!!');
      assert.fail('should throw');
    } catch (err) {
      assert.ok(!(err as Error).message.includes('secret-value-here'));
    }
  });

  test('production never falls back', () => {
    assert.throws(
      () => loadMasterKey({ production: true, databaseUrl: 'sqlite:/tmp/x.db' }),
      /required in production/,
    );
    assert.throws(() => loadMasterKey({ value: 'short', production: true, databaseUrl: 'sqlite:x' }));
  });

  test('development generates master.key beside the SQLite file, mode 0600, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-mk-'));
    const warnings: string[] = [];
    const logger = { warn: (_: unknown, msg?: string) => warnings.push(msg ?? '') };
    const url = `sqlite:${join(dir, 'data.db')}`;
    const a = loadMasterKey({ production: false, databaseUrl: url, logger });
    const path = join(dir, 'master.key');
    assert.equal(devMasterKeyPath(url), path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(parseMasterKey(readFileSync(path, 'utf8')), a);
    assert.equal(warnings.length, 1);
    const b = loadMasterKey({ production: false, databaseUrl: url, logger });
    assert.deepEqual(b, a);
    assert.equal(warnings.length, 1, 'no second warning when the file exists');
  });

  test('in-memory SQLite gets an ephemeral key', () => {
    const a = loadMasterKey({ production: false, databaseUrl: 'sqlite::memory:' });
    assert.equal(a.length, 32);
    assert.equal(devMasterKeyPath('sqlite::memory:'), undefined);
  });
});
