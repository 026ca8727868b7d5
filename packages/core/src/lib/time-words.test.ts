import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeDate, isoDate, relative, span } from './time-words.js';

describe('time formatting', () => {
  test('isoDate drops milliseconds and keeps UTC', () => {
    assert.equal(isoDate(1_795_454_635), '2026-11-23T17:23:55Z');
    assert.equal(isoDate(1_795_454_635.9), '2026-11-23T17:23:55Z');
  });

  test('span rounds down in the largest sensible unit', () => {
    assert.equal(span(1), '1 second');
    assert.equal(span(119), '119 seconds');
    assert.equal(span(180.9), '3 minutes');
    assert.equal(span(-3600 * 5), '5 hours');
    assert.equal(span(86400 * 3), '3 days');
  });

  test('relative says ago, in, or now', () => {
    assert.equal(relative(1000, 1180), '3 minutes ago');
    assert.equal(relative(1180, 1000), 'in 3 minutes');
    assert.equal(relative(1000, 1000.5), 'now');
    assert.equal(describeDate(0, 60), '1970-01-01T00:00:00Z (60 seconds ago)');
  });
});
