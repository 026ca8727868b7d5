import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateKey } from '../jwk/generate.js';
import { decodeToken } from './decode.js';
import { createSigner } from './sign.js';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
}

describe('decodeToken', () => {
  test('returns header, payload and signature bytes without checking the signature', () => {
    const token = createSigner({ key: generateKey('ES256', { kid: 'k' }) })({ sub: 'u1' });
    const { header, payload, signature } = decodeToken(token);
    assert.deepEqual(header, { alg: 'ES256', typ: 'at+jwt', kid: 'k' });
    assert.equal(payload.sub, 'u1');
    assert.equal(signature.length, 64);
    // alg none is shown (for the debugger), never accepted by a verifier.
    assert.equal(decodeToken(`${b64('{"alg":"none"}')}.${b64('{}')}.${b64('x')}`).header.alg, 'none');
  });

  test('same structural checks as verify', () => {
    assert.equal(
      code(() => decodeToken('a.b')),
      'ERR_JWT_MALFORMED',
    );
    assert.equal(
      code(() => decodeToken(`${b64('{"a":1,"a":2}')}.${b64('{}')}.${b64('x')}`)),
      'ERR_JWT_MALFORMED',
    );
    assert.equal(
      code(() => decodeToken(`${b64('{}')}.${b64('[]')}.${b64('x')}`)),
      'ERR_JWT_MALFORMED',
    );
    assert.equal(
      code(() => decodeToken(`${b64('{}')}.${b64('{}')}.a+b`)),
      'ERR_JWT_MALFORMED',
    );
    assert.equal(
      code(() => decodeToken('x'.repeat(9000))),
      'ERR_JWT_TOO_LARGE',
    );
    assert.equal(
      code(() => decodeToken(`${b64('{}')}.${b64('{}')}.${b64('x')}`, { maxTokenLength: 5 })),
      'ERR_JWT_TOO_LARGE',
    );
    assert.throws(() => decodeToken('a.b.c', { maxTokenLength: -1 }), /opts\.maxTokenLength/);
  });
});
