import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ErrorCode } from '../errors.js';
import { generateKey } from '../jwk/generate.js';
import { importKey, publicKeyOf } from '../jwk/import.js';
import { createKeySet } from '../jwks/key-set.js';
import { prepareSign } from '../jws/primitive.js';
import type { Alg } from '../lib/algorithms.js';
import type { KeySet, TesseraKey } from '../types.js';
import { createSigner } from './sign.js';
import { createVerifier } from './verify.js';

const NOW = 1_800_000_000_000; // fixed ms clock
const now = () => NOW;
const T = NOW / 1000;
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Signs any header/payload text with the key's primitive (to build hostile tokens). */
function craft(key: TesseraKey, header: unknown, payload: unknown): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${prepareSign(key.alg, key.keyObject)(input).toString('base64url')}`;
}

function code(fn: () => unknown): ErrorCode | string {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).name;
  }
  return 'no error';
}

const es = generateKey('ES256', { kid: 'es' });
const hs = importKey(Buffer.alloc(32, 7), { alg: 'HS256', kid: 'hs' });
const claims = { iss: 'https://auth.example.com', aud: 'api.example.com', sub: 'u1', exp: T + 60, iat: T };
const header = { alg: 'ES256', typ: 'at+jwt', kid: 'es' };
const base = {
  keys: [publicKeyOf(es), hs],
  algorithms: ['ES256', 'HS256'] as Alg[],
  issuer: 'https://auth.example.com',
  audience: 'api.example.com',
  now,
};

describe('createVerifier: signatures and keys', () => {
  test('accepts a token from createSigner for every algorithm', () => {
    for (const alg of ['HS256', 'HS384', 'HS512', 'PS256', 'ES384', 'ES512', 'EdDSA', 'RS512'] as Alg[]) {
      const key = generateKey(alg);
      const token = createSigner({ key, issuer: 'i', audience: 'a', now })({ sub: 'u1' });
      const out = createVerifier({
        keys: key.kind === 'secret' ? key : publicKeyOf(key),
        algorithms: [alg],
        now,
      })(token);
      assert.equal(out.payload.sub, 'u1');
      assert.equal(out.header.alg, alg);
    }
  });

  test('a flipped signature bit fails with ERR_JWS_SIGNATURE_INVALID', () => {
    const v = createVerifier(base);
    for (const token of [
      craft(es, header, claims),
      craft(hs, { ...header, alg: 'HS256', kid: 'hs' }, claims),
    ]) {
      assert.equal(v(token).payload.sub, 'u1');
      const sig = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
      sig[0]! ^= 1;
      const bad = `${token.slice(0, token.lastIndexOf('.') + 1)}${sig.toString('base64url')}`;
      assert.equal(
        code(() => v(bad)),
        'ERR_JWS_SIGNATURE_INVALID',
      );
      // Payload swapped under a valid signature.
      const parts = token.split('.');
      assert.equal(
        code(() => v(`${parts[0]}.${b64({ ...claims, sub: 'admin' })}.${parts[2]}`)),
        'ERR_JWS_SIGNATURE_INVALID',
      );
    }
  });

  test('ES signatures in DER or of the wrong length are refused', () => {
    const v = createVerifier(base);
    const token = craft(es, header, claims);
    const [h, p, s] = token.split('.') as [string, string, string];
    const raw = Buffer.from(s, 'base64url');
    const r = raw.subarray(0, 32);
    const sv = raw.subarray(32);
    const int = (x: Buffer) => (x[0]! & 0x80 ? Buffer.concat([Buffer.from([0, ...[]]), x]) : x);
    const ri = int(r);
    const si = int(sv);
    const der = Buffer.concat([
      Buffer.from([0x30, ri.length + si.length + 4, 2, ri.length]),
      ri,
      Buffer.from([2, si.length]),
      si,
    ]);
    assert.equal(
      code(() => v(`${h}.${p}.${der.toString('base64url')}`)),
      'ERR_JWS_SIGNATURE_INVALID',
    );
    assert.equal(
      code(() => v(`${h}.${p}.${Buffer.concat([Buffer.alloc(1), raw]).toString('base64url')}`)),
      'ERR_JWS_SIGNATURE_INVALID',
    );
    assert.equal(
      code(() => v(`${h}.${p}.${raw.subarray(0, 63).toString('base64url')}`)),
      'ERR_JWS_SIGNATURE_INVALID',
    );
  });

  test('kid is a map lookup; unknown kid -> ERR_JWKS_NO_MATCHING_KEY', () => {
    const v = createVerifier(base);
    assert.equal(
      code(() => v(craft(es, { ...header, kid: 'other' }, claims))),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
    assert.equal(
      code(() => v(craft(es, { ...header, kid: '__proto__' }, claims))),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
  });

  test('a kid bound to another alg -> ERR_JOSE_ALG_NOT_ALLOWED (a key serves one alg)', () => {
    const v = createVerifier(base);
    // HS256 token naming the ES key's kid, even "signed" with anything: refused before crypto.
    assert.equal(
      code(() => v(craft(hs, { alg: 'HS256', kid: 'es' }, claims))),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
  });

  test('without kid: the single key of that alg, else ERR_JWKS_NO_MATCHING_KEY', () => {
    const v = createVerifier(base);
    assert.equal(v(craft(es, { alg: 'ES256' }, claims)).payload.sub, 'u1');
    const two = createVerifier({ ...base, keys: [publicKeyOf(es), publicKeyOf(generateKey('ES256'))] });
    assert.equal(
      code(() => two(craft(es, { alg: 'ES256' }, claims))),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
  });

  test('jku, x5u, jwk, x5c headers are never used to find a key', () => {
    const attacker = generateKey('ES256', { kid: 'es' });
    const v = createVerifier(base);
    const evil = {
      ...header,
      jku: 'http://127.0.0.1:1/jwks.json',
      x5u: 'http://127.0.0.1:1/cert.pem',
      jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' },
      x5c: ['MIIB'],
    };
    // Signed by a key the verifier does not hold, with the same kid: signature check fails.
    assert.equal(
      code(() => v(craft(attacker, evil, claims))),
      'ERR_JWS_SIGNATURE_INVALID',
    );
    // Signed by the real key, the extra members are harmless.
    assert.equal(v(craft(es, evil, claims)).payload.sub, 'u1');
  });

  test('a mutable KeySet: removing a key stops its tokens (header cache re-checked)', () => {
    const map = new Map<string, TesseraKey>([['es', publicKeyOf(es)]]);
    const set: KeySet = {
      get: (kid) => map.get(kid),
      get size() {
        return map.size;
      },
      list: () => [...map.values()],
    };
    const v = createVerifier({ ...base, keys: set, cache: { max: 10 } });
    const token = craft(es, header, claims);
    assert.equal(v(token).payload.sub, 'u1');
    assert.equal(v(token).payload.sub, 'u1');
    map.delete('es');
    assert.equal(
      code(() => v(token)),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
    assert.equal(
      code(() => v(craft(es, header, { ...claims, sub: 'u2' }))),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
  });

  test('immutable key sets from createKeySet are accepted', () => {
    const v = createVerifier({ ...base, keys: createKeySet([publicKeyOf(es)]) });
    assert.equal(v(craft(es, header, claims)).payload.sub, 'u1');
  });
});

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

describe('createVerifier: claims', () => {
  const v = createVerifier(base);
  test('exp required by default; requireExp:false lifts it', () => {
    const { exp: _exp, ...noExp } = claims;
    const t = craft(es, header, noExp);
    assert.equal(
      code(() => v(t)),
      'ERR_JWT_CLAIM_INVALID',
    );
    assert.equal(createVerifier({ ...base, requireExp: false })(t).payload.sub, 'u1');
  });

  test('exp in the past beyond the tolerance -> ERR_JWT_EXPIRED; within it -> ok', () => {
    assert.equal(v(craft(es, header, { ...claims, exp: T - 29 })).payload.sub, 'u1');
    assert.equal(
      code(() => v(craft(es, header, { ...claims, exp: T - 30 }))),
      'ERR_JWT_EXPIRED',
    );
    const strict = createVerifier({ ...base, clockTolerance: 0 });
    assert.equal(
      code(() => strict(craft(es, header, { ...claims, exp: T }))),
      'ERR_JWT_EXPIRED',
    );
    assert.equal(strict(craft(es, header, { ...claims, exp: T + 1 })).payload.sub, 'u1');
  });

  test('nbf and iat in the future beyond the tolerance -> ERR_JWT_NOT_YET_VALID with claim', () => {
    const err = (c: object) => {
      try {
        v(craft(es, header, { ...claims, ...c }));
      } catch (e) {
        return [(e as { code: string }).code, (e as { claim: string }).claim];
      }
      return ['ok'];
    };
    assert.deepEqual(err({ nbf: T + 31 }), ['ERR_JWT_NOT_YET_VALID', 'nbf']);
    assert.deepEqual(err({ nbf: T + 30 }), ['ok']);
    assert.deepEqual(err({ iat: T + 31 }), ['ERR_JWT_NOT_YET_VALID', 'iat']);
    assert.deepEqual(err({ iat: T + 30 }), ['ok']);
    const tol = createVerifier({ ...base, clockTolerance: '2m' });
    assert.equal(tol(craft(es, header, { ...claims, nbf: T + 100 })).payload.sub, 'u1');
  });

  test('NumericDates must be finite numbers', () => {
    for (const c of [{ exp: '9999999999' }, { exp: null }, { nbf: 'x' }, { iat: true }, { exp: [T + 60] }]) {
      assert.equal(
        code(() => v(craft(es, header, { ...claims, ...c }))),
        'ERR_JWT_CLAIM_INVALID',
        JSON.stringify(c),
      );
    }
    // 1e400 parses to Infinity.
    const input = `${b64(header)}.${b64(JSON.stringify(claims).replace(/"exp":\d+/, '"exp":1e400'))}`;
    const t = `${input}.${prepareSign('ES256', es.keyObject)(input).toString('base64url')}`;
    assert.equal(
      code(() => v(t)),
      'ERR_JWT_CLAIM_INVALID',
    );
  });

  test('iss exact match, with a claim name on the error', () => {
    for (const iss of ['https://auth.example.com/', 'HTTPS://auth.example.com', undefined, 5]) {
      try {
        v(craft(es, header, { ...claims, iss }));
        assert.fail('accepted');
      } catch (e) {
        assert.equal((e as { code: string }).code, 'ERR_JWT_CLAIM_INVALID');
        assert.equal((e as { claim: string }).claim, 'iss');
      }
    }
    const multi = createVerifier({ ...base, issuer: ['a', 'https://auth.example.com'] });
    assert.equal(multi(craft(es, header, claims)).payload.sub, 'u1');
  });

  test('aud: string or array containing the expected audience', () => {
    assert.equal(v(craft(es, header, { ...claims, aud: ['x', 'api.example.com'] })).payload.sub, 'u1');
    for (const aud of ['x', ['x', 'y'], [], undefined, 7, ['api.example.com', 7]]) {
      assert.equal(
        code(() => v(craft(es, header, { ...claims, aud }))),
        'ERR_JWT_CLAIM_INVALID',
        JSON.stringify(aud),
      );
    }
  });

  test('maxAge checks iat; requiredClaims must be present', () => {
    const aged = createVerifier({ ...base, maxAge: '5m' });
    assert.equal(aged(craft(es, header, { ...claims, iat: T - 300 })).payload.sub, 'u1');
    assert.equal(
      code(() => aged(craft(es, header, { ...claims, iat: T - 331 }))),
      'ERR_JWT_EXPIRED',
    );
    const { iat: _iat, ...noIat } = claims;
    assert.equal(
      code(() => aged(craft(es, header, noIat))),
      'ERR_JWT_CLAIM_INVALID',
    );
    const req = createVerifier({ ...base, requiredClaims: ['sid', 'sub'] });
    assert.equal(
      code(() => req(craft(es, header, claims))),
      'ERR_JWT_CLAIM_INVALID',
    );
    assert.equal(req(craft(es, header, { ...claims, sid: 's' })).payload.sid, 's');
  });

  test('sub, jti, sid must be strings when present', () => {
    for (const c of [{ sub: 1 }, { jti: {} }, { sid: ['s'] }]) {
      assert.equal(
        code(() => v(craft(es, header, { ...claims, ...c }))),
        'ERR_JWT_CLAIM_INVALID',
      );
    }
  });

  test('isRevoked -> ERR_JWT_REVOKED', () => {
    const r = createVerifier({ ...base, isRevoked: (p) => p.sub === 'bad' });
    assert.equal(
      code(() => r(craft(es, header, { ...claims, sub: 'bad' }))),
      'ERR_JWT_REVOKED',
    );
    assert.equal(r(craft(es, header, claims)).payload.sub, 'u1');
  });

  test('error messages never contain the token', () => {
    const t = craft(es, header, { ...claims, exp: T - 100 });
    try {
      v(t);
      assert.fail('accepted');
    } catch (e) {
      const text = `${(e as Error).message} ${(e as Error).stack}`;
      for (const part of t.split('.')) assert.ok(!text.includes(part));
    }
  });
});

describe('createVerifier: options', () => {
  test('bad options throw TypeError naming the option path', () => {
    const cases: Array<[object, RegExp]> = [
      [{ ...base, algorithms: [] }, /opts\.algorithms/],
      [{ ...base, algorithms: ['none'] }, /opts\.algorithms\[0\]/],
      [{ ...base, algorithms: ['ES256', 'HS257'] }, /opts\.algorithms\[1\]/],
      [{ ...base, keys: 'secret' }, /opts\.keys/],
      [{ ...base, clockTolerance: -1 }, /opts\.clockTolerance/],
      [{ ...base, maxAge: '5 minutes' }, /opts\.maxAge/],
      [{ ...base, cache: { max: 0 } }, /opts\.cache\.max/],
      [{ ...base, issuer: 5 }, /opts\.issuer/],
      [{ ...base, audience: [''] }, /opts\.audience\[0\]/],
      [{ ...base, requiredClaims: 'sub' }, /opts\.requiredClaims/],
      [{ ...base, maxTokenLength: 1.5 }, /opts\.maxTokenLength/],
      [{ ...base, isRevoked: true }, /opts\.isRevoked/],
    ];
    for (const [opts, re] of cases) {
      assert.throws(
        () => createVerifier(opts as never),
        (e: unknown) => e instanceof TypeError && re.test((e as Error).message),
      );
    }
  });
});
