import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  test('never grows past its bound; evicts the oldest', () => {
    const m = new BoundedMap<string, number>(3);
    for (let i = 0; i < 100; i++) {
      m.set(`k${i}`, i);
      assert.ok(m.size <= 3);
    }
    assert.equal(m.get('k99'), 99);
    assert.equal(m.get('k96'), undefined);
    m.set('k99', 1);
    assert.equal(m.size, 3);
    assert.equal(m.delete('k99'), true);
    m.clear();
    assert.equal(m.size, 0);
  });
});
