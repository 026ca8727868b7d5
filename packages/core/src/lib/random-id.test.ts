import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { randomId } from './random-id.js';

describe('randomId', () => {
  test('16 base64url characters (96 bits), no repeats across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = randomId();
      assert.match(id, /^[A-Za-z0-9_-]{16}$/);
      seen.add(id);
    }
    assert.equal(seen.size, 2000);
  });
});
