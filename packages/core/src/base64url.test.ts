import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decode, decodeToString, encode, isBase64url, isBase64urlRange } from './base64url.js';

describe('base64url', () => {
  test('round-trips every length 0..64 and matches node', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      const s = encode(bytes);
      assert.equal(s, bytes.toString('base64url'));
      assert.ok(isBase64url(s));
      assert.deepEqual(decode(s), bytes);
    }
    assert.equal(decodeToString(encode('héllo')), 'héllo');
  });

  test('refuses padding, +, /, whitespace, other characters, length % 4 == 1', () => {
    for (const bad of [
      'QQ==',
      'QQ=',
      'a+bc',
      'a/bc',
      'ab c',
      'ab\nc',
      ' abc',
      'abc\t',
      'ab.c',
      'abcde',
      'é',
      'ab\u0000c',
    ]) {
      assert.equal(isBase64url(bad), false, JSON.stringify(bad));
      assert.throws(() => decode(bad), TypeError);
    }
  });

  test('refuses non-canonical trailing bits', () => {
    assert.ok(isBase64url('QQ'));
    assert.equal(isBase64url('QR'), false);
    assert.ok(isBase64url('QUE'));
    assert.equal(isBase64url('QUF'), false);
  });

  test('range checks a slice without copying', () => {
    assert.ok(isBase64urlRange('==abc==', 2, 5));
    assert.equal(isBase64urlRange('==abc==', 1, 5), false);
    assert.ok(isBase64urlRange('x', 0, 0));
  });
});
