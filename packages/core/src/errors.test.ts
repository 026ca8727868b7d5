import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  ERROR_CODES,
  isTesseraError,
  JoseAlgNotAllowed,
  JoseHeaderInvalid,
  JwksNoMatchingKey,
  JwsSignatureInvalid,
  JwtClaimInvalid,
  JwtExpired,
  JwtMalformed,
  JwtNotYetValid,
  JwtRevoked,
  JwtTooLarge,
  TesseraError,
} from './errors.js';

// Compiled to dist/src/errors.test.js: the README is three levels up.
const README = new URL('../../README.md', import.meta.url);

describe('errors', () => {
  test('one subclass per code, each a TesseraError with its code and class name', () => {
    const errors = [
      new JwtMalformed(),
      new JwtTooLarge(),
      new JoseAlgNotAllowed(),
      new JoseHeaderInvalid(),
      new JwksNoMatchingKey(),
      new JwsSignatureInvalid(),
      new JwtExpired('exp'),
      new JwtNotYetValid('nbf'),
      new JwtClaimInvalid('aud', 'mismatch'),
      new JwtRevoked(),
    ];
    assert.deepEqual(
      errors.map((e) => e.code),
      [...ERROR_CODES],
    );
    for (const e of errors) {
      assert.ok(e instanceof TesseraError);
      assert.ok(isTesseraError(e));
      assert.equal(e.name, e.constructor.name);
      assert.ok(e.message.length > 0);
    }
    assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
    assert.equal(isTesseraError(new Error('x')), false);
  });

  test('claim errors carry claim and reason; cause is passed on', () => {
    const cause = new Error('inner');
    const e = new JwtClaimInvalid('iss', 'missing', undefined, { cause });
    assert.equal(e.claim, 'iss');
    assert.equal(e.reason, 'missing');
    assert.equal(e.cause, cause);
    assert.equal(new JwtExpired('iat').claim, 'iat');
    assert.equal(new JwtNotYetValid('iat').claim, 'iat');
    assert.equal(new JwtMalformed('m', { cause }).cause, cause);
  });

  test('every code is documented in packages/core/README.md', () => {
    const readme = readFileSync(README, 'utf8');
    for (const code of ERROR_CODES) assert.match(readme, new RegExp(`\\|\\s*\`${code}\`\\s*\\|`), code);
  });
});
