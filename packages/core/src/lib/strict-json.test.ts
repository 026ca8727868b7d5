import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasDuplicateKeys, parseJsonObject } from './strict-json.js';

describe('hasDuplicateKeys', () => {
  test('finds duplicates at any depth, after unescaping', () => {
    for (const dup of [
      '{"a":1,"a":2}',
      '{"alg":"x","\\u0061lg":"y"}',
      '{"x":{"b":1,"b":1}}',
      '{"x":[{"c":1},{"d":1,"d":2}]}',
      ' { "a" : 1 , "a" : 1 } ',
    ]) {
      assert.equal(hasDuplicateKeys(dup), true, dup);
    }
  });

  test('no false positives: same names in sibling objects, names inside string values, arrays', () => {
    for (const ok of [
      '{"a":1,"b":2}',
      '{"x":{"a":1},"y":{"a":1}}',
      '{"a":"\\"a\\":1","b":"a"}',
      '{"a":["a","a"]}',
      '{"a\\\\":1,"a":2}',
      '[{"a":1},{"a":2}]',
      '{}',
    ]) {
      assert.equal(hasDuplicateKeys(ok), false, ok);
    }
  });
});

describe('parseJsonObject', () => {
  test('only plain objects', () => {
    assert.deepEqual(parseJsonObject('{"a":1}'), { a: 1 });
    for (const bad of ['null', '[]', '1', '"s"', 'true', '{', '', '{"a":1}x'])
      assert.equal(parseJsonObject(bad), undefined, bad);
  });
});
