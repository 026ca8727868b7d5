// createVerifier: protected-header policy (alg, none, crit, b64, kid, typ, duplicate names).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { b64, base, claims, code, craft, es, header, hs } from '../../test/support/verify-fixtures.js';
import { prepareSign } from '../jws/primitive.js';
import { createVerifier } from './verify.js';

describe('createVerifier: header policy', () => {
  const v = createVerifier(base);
  test('alg none in any spelling -> ERR_JOSE_ALG_NOT_ALLOWED', () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const token = `${b64({ alg, kid: 'es' })}.${b64(claims)}.${b64('x')}`;
      assert.equal(
        code(() => v(token)),
        'ERR_JOSE_ALG_NOT_ALLOWED',
        alg,
      );
    }
  });

  test('an alg the caller did not allow -> ERR_JOSE_ALG_NOT_ALLOWED', () => {
    const onlyEs = createVerifier({ ...base, algorithms: ['ES256'] });
    assert.equal(
      code(() => onlyEs(craft(hs, { alg: 'HS256', kid: 'hs' }, claims))),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
    assert.equal(
      code(() => v(`${b64({ alg: 'ES257', kid: 'es' })}.${b64(claims)}.${b64('x')}`)),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
  });

  test('missing or non-string alg -> ERR_JOSE_HEADER_INVALID', () => {
    assert.equal(
      code(() => v(`${b64({ kid: 'es' })}.${b64(claims)}.${b64('x')}`)),
      'ERR_JOSE_HEADER_INVALID',
    );
    assert.equal(
      code(() => v(`${b64({ alg: ['ES256'] })}.${b64(claims)}.${b64('x')}`)),
      'ERR_JOSE_HEADER_INVALID',
    );
  });

  test('crit (anything) and b64:false -> ERR_JOSE_HEADER_INVALID', () => {
    assert.equal(
      code(() => v(craft(es, { ...header, crit: ['exp'], exp: 1 }, claims))),
      'ERR_JOSE_HEADER_INVALID',
    );
    assert.equal(
      code(() => v(craft(es, { ...header, crit: [] }, claims))),
      'ERR_JOSE_HEADER_INVALID',
    );
    assert.equal(
      code(() => v(craft(es, { ...header, b64: false, crit: ['b64'] }, claims))),
      'ERR_JOSE_HEADER_INVALID',
    );
    assert.equal(
      code(() => v(craft(es, { ...header, b64: false }, claims))),
      'ERR_JOSE_HEADER_INVALID',
    );
  });

  test('non-string kid -> ERR_JOSE_HEADER_INVALID', () => {
    assert.equal(
      code(() => v(craft(es, { ...header, kid: 7 }, claims))),
      'ERR_JOSE_HEADER_INVALID',
    );
  });

  test('typ check is optional, case-insensitive, application/ prefix optional', () => {
    const typed = createVerifier({ ...base, typ: 'at+jwt' });
    assert.equal(typed(craft(es, { ...header, typ: 'application/AT+JWT' }, claims)).payload.sub, 'u1');
    assert.equal(
      code(() => typed(craft(es, { ...header, typ: 'JWT' }, claims))),
      'ERR_JOSE_HEADER_INVALID',
    );
    assert.equal(
      code(() => typed(craft(es, { alg: 'ES256', kid: 'es' }, claims))),
      'ERR_JOSE_HEADER_INVALID',
    );
    assert.equal(v(craft(es, { ...header, typ: 'JWT' }, claims)).payload.sub, 'u1');
  });

  test('duplicate header member names -> ERR_JWT_MALFORMED', () => {
    const dup = (h: string) => {
      const input = `${b64(h)}.${b64(claims)}`;
      return `${input}.${prepareSign('ES256', es.keyObject)(input).toString('base64url')}`;
    };
    assert.equal(
      code(() => v(dup('{"alg":"ES256","kid":"es","alg":"ES256"}'))),
      'ERR_JWT_MALFORMED',
    );
    assert.equal(
      code(() => v(dup('{"alg":"HS256","kid":"es","\\u0061lg":"ES256"}'))),
      'ERR_JWT_MALFORMED',
    );
    assert.equal(v(dup('{"alg":"ES256","kid":"es"}')).payload.sub, 'u1');
  });
});
