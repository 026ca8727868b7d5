import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  test('numbers, digit strings and unit strings, in seconds', () => {
    const cases: Array<[string | number, number]> = [
      [900, 900],
      [0, 0],
      [1.5, 1.5],
      ['900', 900],
      [' 30 ', 30],
      ['15m', 900],
      ['7d', 604800],
      ['1h30m', 5400],
      ['2w', 1209600],
      ['1d2h3m4s', 93784],
      ['45s', 45],
    ];
    for (const [input, expected] of cases) assert.equal(parseDuration(input), expected, String(input));
  });

  test('TypeError for anything else, naming the path', () => {
    for (const bad of [
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '',
      '15 m',
      '15min',
      'm',
      '1m1h',
      '1m1m',
      '-5',
      '1y',
      '1.5m',
    ]) {
      assert.throws(() => parseDuration(bad as string), TypeError, String(bad));
    }
    assert.throws(() => parseDuration(null as never, 'opts.ttl'), /opts\.ttl/);
    assert.throws(() => parseDuration('x', 'opts.ttl'), /opts\.ttl/);
  });
});
