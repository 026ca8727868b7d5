// createVerifier: size limit, segment counts, strict base64url, JSON objects, check order.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { b64, base, claims, code, craft, es, header } from '../../test/support/verify-fixtures.js';
import { createVerifier } from './verify.js';

describe('createVerifier: structure and size', () => {
  const v = createVerifier(base);
  const good = craft(es, header, claims);
  const [h, p, s] = good.split('.') as [string, string, string];

  test('longer than maxTokenLength -> ERR_JWT_TOO_LARGE before decoding', () => {
    assert.equal(
      code(() => v(`${'!'.repeat(8193)}`)),
      'ERR_JWT_TOO_LARGE',
    );
    assert.equal(
      code(() => v(`${h}.${p}.${s}${'A'.repeat(8192)}`)),
      'ERR_JWT_TOO_LARGE',
    );
    const small = createVerifier({ ...base, maxTokenLength: 100 });
    assert.equal(
      code(() => small(good)),
      'ERR_JWT_TOO_LARGE',
    );
    assert.equal(v(good).payload.sub, 'u1');
  });

  test('wrong segment counts -> ERR_JWT_MALFORMED', () => {
    for (const t of [
      `${h}.${p}`,
      `${h}.${p}.${s}.x`,
      `${h}..${s}`,
      `.${p}.${s}`,
      `${h}.${p}.`,
      '',
      'abc',
      `${h}.${p}.${s}.`,
    ]) {
      assert.equal(
        code(() => v(t)),
        'ERR_JWT_MALFORMED',
        t.slice(0, 20),
      );
    }
    assert.equal(
      code(() => v(42 as unknown as string)),
      'ERR_JWT_MALFORMED',
    );
  });

  test('malformed base64url (padding, +, /, whitespace, length % 4 == 1, non-canonical) -> ERR_JWT_MALFORMED', () => {
    const cases = [
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s}==`,
      `${h}.${p}+.${s}`,
      `${h}.${p}.${s.slice(0, -1)}/`,
      `${h} .${p}.${s}`,
      `${h}.${p}\n.${s}`,
      `${h}.${p}.${s}${'A'.repeat((5 - (s.length % 4)) % 4)}`,
      `${h}.${p}.${s.slice(0, -1)}${String.fromCharCode(0xe9)}`,
    ];
    for (const t of cases)
      assert.equal(
        code(() => v(t)),
        'ERR_JWT_MALFORMED',
        JSON.stringify(t.slice(-8)),
      );
    // 'QR' decodes like 'QQ' (stray low bits): only the canonical form is accepted.
    assert.equal(
      code(() => v(`${b64({ alg: 'ES256' })}.${p}.QR`)),
      'ERR_JWT_MALFORMED',
    );
  });

  test('non-object JSON header or payload -> ERR_JWT_MALFORMED', () => {
    for (const bad of ['null', '[]', '"x"', '1', '{', 'not json']) {
      assert.equal(
        code(() => v(`${b64(bad)}.${p}.${s}`)),
        'ERR_JWT_MALFORMED',
        bad,
      );
      assert.equal(
        code(() => v(craft(es, header, bad))),
        'ERR_JWT_MALFORMED',
        bad,
      );
    }
  });

  test('header errors come before crypto and before payload decoding', () => {
    // A payload that is not JSON but a header that names a foreign alg: the alg error wins.
    assert.equal(
      code(() => v(`${b64({ alg: 'RS256' })}.${b64('x')}.${s}`)),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
    // A forged signature on a non-JSON payload: the signature error wins over the JSON error.
    assert.equal(
      code(() => v(`${h}.${b64('nope')}.${s}`)),
      'ERR_JWS_SIGNATURE_INVALID',
    );
  });
});
