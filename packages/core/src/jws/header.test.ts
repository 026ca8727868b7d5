import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Alg } from '../lib/algorithms.js';
import { checkHeader, normalizeTyp } from './header.js';

const allowed = new Set<Alg>(['ES256', 'HS256']);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'ok';
}

describe('checkHeader', () => {
  test('policy codes', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ alg: 'ES256' }, 'ok'],
      [
        { alg: 'ES256', kid: 'k', typ: 'at+jwt', jku: 'https://x', x5c: ['a'], jwk: {}, x5u: 'https://y' },
        'ok',
      ],
      [{}, 'ERR_JOSE_HEADER_INVALID'],
      [{ alg: null }, 'ERR_JOSE_HEADER_INVALID'],
      [{ alg: 'none' }, 'ERR_JOSE_ALG_NOT_ALLOWED'],
      [{ alg: 'NoNe' }, 'ERR_JOSE_ALG_NOT_ALLOWED'],
      [{ alg: 'RS256' }, 'ERR_JOSE_ALG_NOT_ALLOWED'],
      [{ alg: 'es256' }, 'ERR_JOSE_ALG_NOT_ALLOWED'],
      [{ alg: 'ES256', crit: ['kid'] }, 'ERR_JOSE_HEADER_INVALID'],
      [{ alg: 'ES256', crit: 'x' }, 'ERR_JOSE_HEADER_INVALID'],
      [{ alg: 'ES256', b64: false }, 'ERR_JOSE_HEADER_INVALID'],
      [{ alg: 'ES256', b64: 'false' }, 'ERR_JOSE_HEADER_INVALID'],
      [{ alg: 'ES256', b64: true }, 'ok'],
      [{ alg: 'ES256', kid: '' }, 'ERR_JOSE_HEADER_INVALID'],
      [{ alg: 'ES256', kid: ['k'] }, 'ERR_JOSE_HEADER_INVALID'],
      [{ alg: 'ES256', typ: 1 }, 'ERR_JOSE_HEADER_INVALID'],
    ];
    for (const [header, expected] of cases)
      assert.equal(
        code(() => checkHeader(header, allowed)),
        expected,
        JSON.stringify(header),
      );
  });

  test('typ, when expected, compares case-insensitively without the application/ prefix', () => {
    const typ = normalizeTyp('at+jwt');
    assert.equal(
      code(() => checkHeader({ alg: 'ES256', typ: 'AT+JWT' }, allowed, typ)),
      'ok',
    );
    assert.equal(
      code(() => checkHeader({ alg: 'ES256', typ: 'application/at+jwt' }, allowed, typ)),
      'ok',
    );
    assert.equal(
      code(() => checkHeader({ alg: 'ES256', typ: 'jwt' }, allowed, typ)),
      'ERR_JOSE_HEADER_INVALID',
    );
    assert.equal(
      code(() => checkHeader({ alg: 'ES256' }, allowed, typ)),
      'ERR_JOSE_HEADER_INVALID',
    );
    assert.equal(normalizeTyp('Application/JWT'), 'jwt');
  });
});
