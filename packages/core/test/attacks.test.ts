// The attacker's side: every token here is crafted by hand (node:crypto, Buffer base64url) and must be
// rejected by createVerifier with its documented `code`. Each describe block is one attack family.
import assert from 'node:assert/strict';
import { constants, sign as cryptoSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { startCanary } from './support/canary.js';
import {
  type Alg,
  createKeySet,
  createVerifier,
  decodeToken,
  type ErrorCode,
  importJwks,
  importKey,
  isTesseraError,
  type KeySet,
  type TesseraKey,
  type VerifierOptions,
} from './support/contract.js';
import { assertNoLeak, expectReject } from './support/expect.js';
import { AUD, claims, fixedNow, honest, ISS, legitKey, NOW_MS, NOW_S } from './support/fixtures.js';
import {
  b64u,
  flipChar,
  forge,
  parts,
  rawSign,
  segment,
  signatureOf,
  signSegments,
  withSignature,
} from './support/forge.js';
import { ALL_ALGS, publicPem, rawPair } from './support/keys.js';

const MALFORMED: ErrorCode = 'ERR_JWT_MALFORMED';
const TOO_LARGE: ErrorCode = 'ERR_JWT_TOO_LARGE';
const ALG_NOT_ALLOWED: ErrorCode = 'ERR_JOSE_ALG_NOT_ALLOWED';
const HEADER_INVALID: ErrorCode = 'ERR_JOSE_HEADER_INVALID';
const NO_KEY: ErrorCode = 'ERR_JWKS_NO_MATCHING_KEY';
const BAD_SIG: ErrorCode = 'ERR_JWS_SIGNATURE_INVALID';
const EXPIRED: ErrorCode = 'ERR_JWT_EXPIRED';
const NOT_YET: ErrorCode = 'ERR_JWT_NOT_YET_VALID';
const CLAIM: ErrorCode = 'ERR_JWT_CLAIM_INVALID';
const REVOKED: ErrorCode = 'ERR_JWT_REVOKED';

/** A verifier holding the legitimate key of each alg in `algs`, with the fixed clock. */
function verifierFor(algs: Alg[], opts: Partial<VerifierOptions> = {}) {
  return createVerifier({
    keys: createKeySet(algs.map((alg) => legitKey(alg).key)),
    algorithms: algs,
    issuer: ISS,
    audience: AUD,
    now: fixedNow,
    ...opts,
  });
}

const hs = () => legitKey('HS256');
/** An HS256 token over exactly these (possibly non-canonical) segments, correctly signed. */
const hsSigned = (headerSeg: string, payloadSeg: string) =>
  signSegments(headerSeg, payloadSeg, 'HS256', hs().pair.secret);
const hsHeader = (extra: Record<string, unknown> = {}) => ({
  alg: 'HS256',
  typ: 'at+jwt',
  kid: hs().kid,
  ...extra,
});
/** An HS256 token with this header and payload (objects or raw JSON text), correctly signed. */
const hsForge = (header: unknown, payload: unknown) =>
  forge({ header, payload, key: hs().pair.secret, signAlg: 'HS256' });

describe('baseline: honest tokens of all 13 algorithms are accepted', () => {
  const verify = verifierFor([...ALL_ALGS]);
  for (const alg of ALL_ALGS) {
    test(alg, () => {
      const { header, payload } = verify(honest(alg));
      assert.equal(header.alg, alg);
      assert.equal(payload.sub, 'u1');
      assert.equal(payload.iss, ISS);
    });
  }
});

describe('alg "none" in every spelling', () => {
  const verify = verifierFor(['HS256', 'ES256']);
  const spellings = ['none', 'None', 'NONE', 'nOnE', 'nonE', 'none ', ' none', 'none\u0000', 'NONE\n', ''];
  for (const alg of spellings) {
    const header = { alg, typ: 'at+jwt', kid: hs().kid };
    const unsigned = `${segment(header)}.${segment(claims())}`;
    const signatures = {
      empty: '',
      random: b64u(randomBytes(32)),
      'a real HS256 signature of the same input': b64u(rawSign('HS256', hs().pair.secret!, unsigned)),
    };
    for (const [what, sig] of Object.entries(signatures)) {
      test(`${JSON.stringify(alg)} with ${what} signature`, () => {
        // Tessera never accepts an unsecured JWS, so an empty signature segment is structurally
        // malformed (README step 3); any other signature: the alg is refused before any crypto.
        expectReject(verify, `${unsigned}.${sig}`, sig === '' ? MALFORMED : ALG_NOT_ALLOWED);
      });
    }
  }
  test('an unsecured JWT without the trailing dot is malformed', () => {
    expectReject(verify, `${segment({ alg: 'none' })}.${segment(claims())}`, MALFORMED);
  });
  for (const algorithms of [['none'], ['HS256', 'none'], ['None'], ['NONE'], [], ['HS1'], ['hs256']]) {
    test(`algorithms: ${JSON.stringify(algorithms)} is a TypeError at createVerifier`, () => {
      assert.throws(
        () => createVerifier({ keys: hs().key, algorithms: algorithms as Alg[], now: fixedNow }),
        TypeError,
      );
    });
  }
});

describe('key confusion: the public key used as an HMAC secret', () => {
  const cases: Array<{ asym: Alg; hmac: Alg }> = [
    { asym: 'RS256', hmac: 'HS256' },
    { asym: 'ES256', hmac: 'HS256' },
    { asym: 'PS256', hmac: 'HS512' },
    { asym: 'EdDSA', hmac: 'HS256' },
  ];
  for (const { asym, hmac } of cases) {
    const { pair, kid, key } = legitKey(asym);
    const pem = publicPem(pair);
    const jwk = pair.publicKey.export({ format: 'jwk' });
    const secrets: Record<string, string | Buffer> = {
      'PEM text': pem,
      'PEM without trailing newline': pem.trimEnd(),
      'PEM with CRLF line ends': pem.replace(/\n/g, '\r\n'),
      'SPKI DER bytes': pair.publicKey.export({ type: 'spki', format: 'der' }),
      'JWK JSON string': JSON.stringify(jwk),
      'JWK n/x member bytes': Buffer.from((jwk.n ?? jwk.x)!, 'base64url'),
      'JWK n/x member text': (jwk.n ?? jwk.x)!,
    };
    // The verifier holds only the asymmetric key and (wrongly, but plausibly) allows both algorithms.
    const verify = createVerifier({
      keys: [key],
      algorithms: [asym, hmac],
      issuer: ISS,
      audience: AUD,
      now: fixedNow,
    });
    for (const [what, secret] of Object.entries(secrets)) {
      for (const withKid of [true, false]) {
        test(`${asym}→${hmac} with ${what}${withKid ? '' : ', no kid'}`, () => {
          const header = withKid ? { alg: hmac, typ: 'at+jwt', kid } : { alg: hmac, typ: 'at+jwt' };
          const token = forge({ header, payload: claims(), key: secret });
          // The key is bound to `asym`: its kid names a key of another alg (README "Keys"), and
          // without a kid there is no key bound to `hmac`.
          expectReject(verify, token, withKid ? ALG_NOT_ALLOWED : NO_KEY);
        });
      }
    }
    test(`${asym}→${hmac} next to a real HS key: the kid of the ${asym} key cannot be borrowed`, () => {
      const both = createVerifier({
        keys: createKeySet([key, legitKey(hmac).key]),
        algorithms: [asym, hmac],
        issuer: ISS,
        audience: AUD,
        now: fixedNow,
      });
      assert.equal(both(honest(hmac)).payload.sub, 'u1');
      const token = forge({ header: { alg: hmac, typ: 'at+jwt', kid }, payload: claims(), key: pem });
      expectReject(both, token, ALG_NOT_ALLOWED);
    });
  }
  const rsa = rawPair('RS256');
  const materials: Record<string, unknown> = {
    'public PEM string': publicPem(rsa),
    'public PEM string without newline': publicPem(rsa).trimEnd(),
    'public PEM as a Buffer (readFileSync)': Buffer.from(publicPem(rsa)),
    'SPKI DER bytes': rsa.publicKey.export({ type: 'spki', format: 'der' }),
    'PKCS#1 DER bytes': rsa.publicKey.export({ type: 'pkcs1', format: 'der' }),
    'JWK JSON text': JSON.stringify(rsa.publicKey.export({ format: 'jwk' })),
    'oct JWK whose k is the public PEM': { kty: 'oct', k: b64u(publicPem(rsa)) },
    'public KeyObject': rsa.publicKey,
    'private KeyObject': rsa.privateKey,
    'private PEM string': rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    'RSA public JWK object': rsa.publicKey.export({ format: 'jwk' }),
    'EC public PEM string': publicPem(rawPair('ES256')),
    'EC public JWK object': rawPair('ES256').publicKey.export({ format: 'jwk' }),
    'Ed25519 public PEM string': publicPem(rawPair('EdDSA')),
  };
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    for (const [what, material] of Object.entries(materials)) {
      test(`importKey(${what}, { alg: '${alg}' }) throws`, () => {
        assert.throws(() => importKey(material as string, { alg }));
      });
    }
  }
});

describe('header injection: jwk, jku, x5u and x5c never choose the key', () => {
  const attacker = rawPair('ES256', 'attacker');
  const attackerJwk = { ...attacker.publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'ES256' };
  const spkiB64 = attacker.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const legit = legitKey('ES256');
  const verify = verifierFor(['ES256']);

  test('tokens signed by the attacker and pointing at a key elsewhere are rejected, and nothing is fetched', async () => {
    const canary = await startCanary({ keys: [attackerJwk] });
    try {
      // These parameters are ignored (README "Keys"): the legit kid (or, without one, the only ES256
      // key) gives a bad signature; the attacker's own kid is simply unknown.
      const headers: Record<string, [Record<string, unknown>, ErrorCode]> = {
        'jwk (own key) + legit kid': [{ kid: legit.kid, jwk: attackerJwk }, BAD_SIG],
        'jwk (own key), no kid': [{ jwk: attackerJwk }, BAD_SIG],
        'jwk (own key) + its own kid': [{ kid: 'attacker', jwk: attackerJwk }, NO_KEY],
        'jku + its own kid': [{ kid: 'attacker', jku: `${canary.url}/jwks.json` }, NO_KEY],
        'jku + legit kid': [{ kid: legit.kid, jku: `${canary.url}/jwks.json` }, BAD_SIG],
        'x5u + its own kid': [{ kid: 'attacker', x5u: `${canary.url}/cert.pem` }, NO_KEY],
        'x5u + legit kid': [{ kid: legit.kid, x5u: `${canary.url}/cert.pem` }, BAD_SIG],
        'x5c + legit kid': [{ kid: legit.kid, x5c: [spkiB64] }, BAD_SIG],
        'x5c, no kid': [{ x5c: [spkiB64] }, BAD_SIG],
      };
      for (const [what, [extra, code]] of Object.entries(headers)) {
        const token = forge({
          header: { alg: 'ES256', typ: 'at+jwt', ...extra },
          payload: claims(),
          key: attacker.privateKey,
        });
        const err = expectReject(verify, token, code);
        assert.ok(err, what);
      }
      // A validly signed token that also carries jku: whatever the verdict, nothing is fetched.
      try {
        verify(honest('ES256', {}, { jku: `${canary.url}/jwks.json`, x5u: `${canary.url}/x` }));
      } catch {}
      await sleep(200); // room for any stray asynchronous fetch to land
      assert.equal(canary.requests(), 0);
    } finally {
      await canary.close();
    }
  });

  test('an embedded oct jwk does not turn an ES256 verifier into an HMAC one', () => {
    const secret = randomBytes(32);
    const token = forge({
      header: { alg: 'HS256', kid: legit.kid, jwk: { kty: 'oct', k: b64u(secret) } },
      payload: claims(),
      key: secret,
    });
    expectReject(verify, token, ALG_NOT_ALLOWED);
  });
});

describe('crit and b64', () => {
  const verify = verifierFor(['HS256']);
  const cases: Record<string, Record<string, unknown>> = {
    'crit naming an unknown extension': { crit: ['x-tessera-unknown'], 'x-tessera-unknown': true },
    'crit naming an absent parameter': { crit: ['x-absent'] },
    'crit naming a registered parameter (alg)': { crit: ['alg'] },
    'crit empty array': { crit: [] },
    'crit a string': { crit: 'x-tessera-unknown' },
    'crit an object': { crit: { 'x-a': true } },
    'crit null': { crit: null },
    'crit with a non-string member': { crit: [1] },
    'b64: false with crit': { b64: false, crit: ['b64'] },
    'b64: false without crit': { b64: false },
  };
  for (const [what, extra] of Object.entries(cases)) {
    test(`${what} → ${HEADER_INVALID}`, () => {
      // Correctly signed over the normal encoded payload: only the header check can reject it.
      expectReject(verify, hsForge(hsHeader(extra), claims()), HEADER_INVALID);
    });
  }
  test('b64: false with an unencoded payload (RFC 7797 compact form) is rejected', () => {
    const headerSeg = segment(hsHeader({ b64: false, crit: ['b64'] }));
    // No '.' in it (so it stays three segments) and no iss/aud (the header fails first anyway).
    const raw = JSON.stringify({ sub: 'u1', exp: NOW_S + 600 });
    assert.ok(!raw.includes('.'));
    const token = `${headerSeg}.${raw}.${b64u(rawSign('HS256', hs().pair.secret!, `${headerSeg}.${raw}`))}`;
    expectReject(verify, token, HEADER_INVALID); // the header is checked first (README step 4)
  });
});

const ORDERS: Record<string, string> = {
  ES256: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  ES384: 'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
  ES512:
    '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
};
const SIG_LEN: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132, EdDSA: 64 };

describe('signature forgery', () => {
  const verify = verifierFor([...ALL_ALGS]);
  for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA'] as const) {
    const len = SIG_LEN[alg]!;
    test(`${alg}: all-zero signature of the right length`, () => {
      expectReject(verify, withSignature(honest(alg), Buffer.alloc(len)), BAD_SIG);
    });
    test(`${alg}: all-0xff signature of the right length`, () => {
      expectReject(verify, withSignature(honest(alg), Buffer.alloc(len, 0xff)), BAD_SIG);
    });
  }
  for (const alg of ['ES256', 'ES384', 'ES512'] as const) {
    const half = SIG_LEN[alg]! / 2;
    const token = honest(alg, { jti: `ecdsa-${alg}` });
    const sig = signatureOf(token);
    const r = sig.subarray(0, half);
    const s = sig.subarray(half);
    const n = Buffer.from(ORDERS[alg]!.padStart(half * 2, '0'), 'hex');
    const variants: Record<string, Buffer> = {
      'r = 0': Buffer.concat([Buffer.alloc(half), s]),
      's = 0': Buffer.concat([r, Buffer.alloc(half)]),
      'r = n': Buffer.concat([n, s]),
      's = n': Buffer.concat([r, n]),
      'r = s = n': Buffer.concat([n, n]),
      'r and s swapped': Buffer.concat([s, r]),
      'DER encoding instead of raw r||s': rawDer(r, s),
    };
    for (const [what, bytes] of Object.entries(variants)) {
      test(`${alg}: ${what}`, () => {
        assert.equal(verify(token).payload.jti, `ecdsa-${alg}`); // the unmodified token is good
        expectReject(verify, withSignature(token, bytes), BAD_SIG);
      });
    }
  }
  test('EdDSA: non-canonical S (S + L, the same point equation) is refused', () => {
    const token = honest('EdDSA', { jti: 'ed-malleable' });
    assert.equal(verify(token).payload.jti, 'ed-malleable');
    const sig = signatureOf(token);
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const sLe = sig.subarray(32);
    const s = BigInt(`0x${Buffer.from(sLe).reverse().toString('hex')}`);
    const bumped = Buffer.from((s + L).toString(16).padStart(64, '0'), 'hex').reverse();
    expectReject(verify, withSignature(token, Buffer.concat([sig.subarray(0, 32), bumped])), BAD_SIG);
  });
  test('PS256: salt lengths other than the hash length are refused (RFC 7518 3.5)', () => {
    const { pair, kid } = legitKey('PS256');
    const headerSeg = segment({ alg: 'PS256', typ: 'at+jwt', kid });
    const payloadSeg = segment(claims());
    for (const saltLength of [0, 20, 64, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
      const sig = cryptoSign('sha256', Buffer.from(`${headerSeg}.${payloadSeg}`), {
        key: pair.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength,
      });
      expectReject(verify, `${headerSeg}.${payloadSeg}.${b64u(sig)}`, BAD_SIG);
    }
    assert.equal(verify(honest('PS256')).header.alg, 'PS256');
  });
  test('RS256 signature made with the right key but PSS padding, and PS256 with PKCS#1 v1.5', () => {
    const rs = legitKey('RS256');
    const ps = legitKey('PS256');
    const asPss = forge({
      header: { alg: 'RS256', kid: rs.kid },
      payload: claims(),
      key: rs.pair.privateKey,
      signAlg: 'PS256',
    });
    expectReject(verify, asPss, BAD_SIG);
    const asPkcs1 = forge({
      header: { alg: 'PS256', kid: ps.kid },
      payload: claims(),
      key: ps.pair.privateKey,
      signAlg: 'RS256',
    });
    expectReject(verify, asPkcs1, BAD_SIG);
  });
  for (const alg of ['HS256', 'HS512', 'RS256', 'PS256', 'ES256', 'ES512', 'EdDSA'] as const) {
    const token = honest(alg);
    const sig = signatureOf(token);
    test(`${alg}: truncated, extended and empty signatures`, () => {
      expectReject(verify, withSignature(token, sig.subarray(0, sig.length - 1)), BAD_SIG);
      expectReject(verify, withSignature(token, sig.subarray(0, sig.length >> 1)), BAD_SIG);
      expectReject(verify, withSignature(token, Buffer.concat([sig, Buffer.from([0])])), BAD_SIG);
      expectReject(verify, withSignature(token, Buffer.concat([sig, sig])), BAD_SIG);
      expectReject(verify, withSignature(token, Buffer.alloc(0)), MALFORMED); // no unsecured JWS
    });
    test(`${alg}: the signature of another token`, () => {
      const other = honest(alg, { sub: 'u2' });
      expectReject(verify, withSignature(token, signatureOf(other)), BAD_SIG);
    });
  }
});

/** DER SEQUENCE { INTEGER r, INTEGER s } as OpenSSL would emit it (for sizes under 128 bytes each). */
function rawDer(r: Buffer, s: Buffer): Buffer {
  const int = (v: Buffer) => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    let body = v.subarray(i);
    if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const content = Buffer.concat([int(r), int(s)]);
  const len = content.length < 128 ? Buffer.from([content.length]) : Buffer.from([0x81, content.length]);
  return Buffer.concat([Buffer.from([0x30]), len, content]);
}

describe('header and payload structure', () => {
  const verify = verifierFor(['HS256']);
  const kid = () => hs().kid;
  const duplicates: Record<string, string> = {
    'alg twice, none last': `{"alg":"HS256","alg":"none","kid":"${kid()}"}`,
    'alg twice, HS256 last': `{"alg":"none","alg":"HS256","kid":"${kid()}"}`,
    'alg twice, same value': `{"alg":"HS256","alg":"HS256","kid":"${kid()}"}`,
    'kid twice': `{"alg":"HS256","kid":"other","kid":"${kid()}"}`,
    'alg twice, second one escaped (\\u0061lg)': `{"alg":"none","\\u0061lg":"HS256","kid":"${kid()}"}`,
    'typ twice with whitespace': `{"alg":"HS256", "typ" : "JWT" , "typ":"at+jwt","kid":"${kid()}"}`,
  };
  for (const [what, raw] of Object.entries(duplicates)) {
    test(`duplicate header names: ${what}`, () => {
      // Correctly signed over the raw text: a parser that keeps the last value would accept it.
      expectReject(verify, hsForge(raw, claims()), MALFORMED);
    });
  }
  for (const raw of ['[]', '["HS256"]', '"HS256"', '1', 'null', 'true', '{"alg":"HS256"', '', '{}x']) {
    test(`header not a JSON object: ${JSON.stringify(raw)}`, () => {
      expectReject(verify, hsForge(raw, claims()), MALFORMED);
    });
  }
  const algs: Record<string, unknown> = {
    number: 256,
    'array ["HS256"]': ['HS256'],
    null: null,
    object: { name: 'HS256' },
    true: true,
  };
  for (const [what, alg] of Object.entries(algs)) {
    test(`header alg not a string: ${what}`, () => {
      expectReject(verify, hsForge(hsHeader({ alg }), claims()), HEADER_INVALID);
    });
  }
  test('header without alg', () => {
    expectReject(verify, hsForge({ typ: 'at+jwt', kid: kid() }, claims()), HEADER_INVALID);
  });
  for (const raw of [
    '[]',
    `[${JSON.stringify(claims())}]`,
    '"u1"',
    '42',
    'null',
    'true',
    'false',
    '',
    '{"sub":',
  ]) {
    test(`payload not a JSON object: ${JSON.stringify(raw.slice(0, 20))}`, () => {
      expectReject(verify, hsForge(hsHeader(), raw), MALFORMED);
    });
  }
  const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  const withDeep = (deep: string) => `${JSON.stringify(claims()).slice(0, -1)},"deep":${deep}}`;
  test('10,000-level nested payload within a raised size limit is verified, not a crash', () => {
    const big = verifierFor(['HS256'], { maxTokenLength: 200_000 });
    const arrays = big(hsForge(hsHeader(), withDeep(deepArray(10_000))));
    let depth = 0;
    for (let v: unknown = arrays.payload.deep; Array.isArray(v); v = v[0]) depth++;
    assert.equal(depth, 10_000);
    const objects = big(hsForge(hsHeader(), withDeep(deepObject(10_000))));
    assert.equal(typeof objects.payload.deep, 'object');
  });
  test('10,000-level nested payload within a raised size limit, with the verified-token cache on', () => {
    // The cache keeps (frozen) results: freezing must not recurse into a stack overflow either.
    const cached = verifierFor(['HS256'], { maxTokenLength: 200_000, cache: { max: 10 } });
    for (const deep of [deepArray(10_000), deepObject(10_000)]) {
      const token = hsForge(hsHeader(), withDeep(deep));
      let outcome: unknown;
      try {
        outcome = cached(token).payload.sub;
      } catch (err) {
        outcome = err;
      }
      assert.equal(outcome, 'u1', `verified, not ${String(outcome)}`);
      assert.equal(cached(token).payload.sub, 'u1'); // and served again
    }
  });
  test('10,000-level nested payload over the default size limit → ERR_JWT_TOO_LARGE', () => {
    expectReject(verify, hsForge(hsHeader(), withDeep(deepArray(10_000))), TOO_LARGE);
    expectReject(verify, hsForge(hsHeader(), withDeep(deepObject(10_000))), TOO_LARGE);
  });
  test('deeply nested header → accepted (unknown parameter) or a typed error, never a crash', () => {
    const big = verifierFor(['HS256'], { maxTokenLength: 200_000 });
    const token = hsForge(`{"alg":"HS256","kid":"${kid()}","x":${deepArray(10_000)}}`, claims());
    let sub: unknown;
    try {
      sub = big(token).payload.sub;
    } catch {}
    if (sub !== 'u1') expectReject(big, token, [HEADER_INVALID, MALFORMED]);
  });
});

/** An HS256 token of exactly `length` characters (pads a claim, and the header when needed). */
function tokenOfLength(length: number): string {
  for (let headerPad = 0; headerPad < 4; headerPad++) {
    const headerSeg = segment(hsHeader(headerPad ? { pad: 'x'.repeat(headerPad) } : {}));
    const fixed = headerSeg.length + 2 + 43; // two dots and a 32-byte signature
    for (let pad = Math.max(0, Math.floor(((length - fixed) * 3) / 4) - 200); pad < length; pad++) {
      const payloadSeg = segment(claims({ pad: 'p'.repeat(pad) }));
      if (fixed + payloadSeg.length === length) return hsSigned(headerSeg, payloadSeg);
      if (fixed + payloadSeg.length > length) break;
    }
  }
  throw new Error(`no token of length ${length}`);
}

describe('size limits', () => {
  test('a 1 MB token is rejected as too large before any decoding', () => {
    const verify = verifierFor(['HS256']);
    const mb = 1 << 20;
    // Not even base64url: had it been decoded first, the code would be ERR_JWT_MALFORMED.
    expectReject(verify, '!'.repeat(mb), TOO_LARGE);
    expectReject(verify, `${'e'.repeat(mb / 2)}.${'e'.repeat(mb / 2)}.`, TOO_LARGE);
    const big = hsForge(hsHeader(), claims({ blob: 'x'.repeat(mb) }));
    expectReject(verify, big, TOO_LARGE);
  });
  test('the default limit is 8192 characters: 8192 is verified, 8193 is too large', () => {
    const verify = verifierFor(['HS256']);
    const exact = tokenOfLength(8192);
    assert.equal(exact.length, 8192);
    assert.equal(verify(exact).payload.sub, 'u1');
    expectReject(verify, tokenOfLength(8193), TOO_LARGE);
  });
  test('maxTokenLength is configurable both ways', () => {
    const small = verifierFor(['HS256'], { maxTokenLength: 400 });
    assert.equal(small(tokenOfLength(400)).payload.sub, 'u1');
    expectReject(small, tokenOfLength(401), TOO_LARGE);
    expectReject(small, honest('RS256'), TOO_LARGE);
    const large = verifierFor(['HS256'], { maxTokenLength: 64 * 1024 });
    assert.equal(large(tokenOfLength(20_000)).payload.sub, 'u1');
  });
});

describe('base64url strictness and segment counts', () => {
  const verify = verifierFor(['HS256']);
  // Find honest segments whose encoding contains '-' or '_', so the '+' '/' variants differ.
  const urlSafe = (seg: string) => /[-_]/.test(seg);
  const findPayload = (pred: (seg: string) => boolean) => {
    for (let i = 0; ; i++) {
      const seg = segment(claims({ note: `~~~?>${'?'.repeat(i % 7)}`, jti: `j${i}` }));
      if (pred(seg)) return seg;
    }
  };
  const findHeader = () => {
    for (let i = 0; ; i++) {
      const seg = segment(hsHeader({ x: `~?>${i}` }));
      if (urlSafe(seg)) return seg;
    }
  };
  const header = segment(hsHeader());
  const payload = findPayload(urlSafe);
  const mid = (s: string, insert: string) => s.slice(0, s.length >> 1) + insert + s.slice(s.length >> 1);
  const toStd = (s: string) => s.replace(/-/g, '+').replace(/_/g, '/');

  test('the canonical form of these segments is accepted', () => {
    assert.equal(verify(hsSigned(header, payload)).payload.sub, 'u1');
    assert.equal(verify(hsSigned(findHeader(), payload)).header.alg, 'HS256');
  });
  // Each variant is re-signed over its exact text: a lenient decoder would accept it.
  const payloadVariants: Record<string, string> = {
    "'=' padding": `${payload}${'='.repeat((4 - (payload.length % 4)) % 4 || 2)}`,
    "'+' and '/' instead of '-' and '_'": toStd(payload),
    'a space inside': mid(payload, ' '),
    'a newline inside': mid(payload, '\n'),
    'a CRLF at the end': `${payload}\r\n`,
    'a tab inside': mid(payload, '\t'),
    'non-ASCII é inside': mid(payload, 'é'),
    'a full-width Ａ inside': mid(payload, 'Ａ'),
    'a NUL inside': mid(payload, '\u0000'),
  };
  for (const [what, seg] of Object.entries(payloadVariants)) {
    test(`payload with ${what}`, () => {
      expectReject(verify, hsSigned(header, seg), MALFORMED);
    });
  }
  test("header with '+' and '/' and with '=' padding", () => {
    const h = findHeader();
    expectReject(verify, hsSigned(toStd(h), payload), MALFORMED);
    expectReject(verify, hsSigned(`${h}==`, payload), MALFORMED);
    expectReject(verify, hsSigned(` ${h}`, payload), MALFORMED);
  });
  test('segment length % 4 == 1', () => {
    const aligned = findPayload((s) => s.length % 4 === 0);
    assert.equal(verify(hsSigned(header, aligned)).payload.sub, 'u1');
    expectReject(verify, hsSigned(header, `${aligned}A`), MALFORMED);
    let hAligned = header;
    for (let i = 1; hAligned.length % 4 !== 0; i++) hAligned = segment(hsHeader({ x: 'y'.repeat(i) }));
    assert.equal(verify(hsSigned(hAligned, payload)).payload.sub, 'u1');
    expectReject(verify, hsSigned(`${hAligned}A`, payload), MALFORMED);
  });
  test('signature segment variants (padding, +/, whitespace, extra char, non-ASCII)', () => {
    let token = '';
    for (let i = 0; !/[-_]/.test(parts(token)[2]); i++) token = hsForge(hsHeader(), claims({ jti: `s${i}` }));
    assert.equal(verify(token).payload.sub, 'u1');
    const [h, p, s] = parts(token);
    // Decoding these leniently would yield the right MAC: strict base64url first (README step 5).
    const codes = MALFORMED;
    expectReject(verify, `${h}.${p}.${s}=`, codes);
    expectReject(verify, `${h}.${p}.${toStd(s)}`, codes);
    expectReject(verify, `${h}.${p}.${mid(s, '\n')}`, codes);
    expectReject(verify, `${h}.${p}.${s} `, codes);
    expectReject(verify, `${h}.${p}.${s}AA`, codes); // length % 4 == 1
    // One more character is well-formed base64url: 33 bytes, not a full-length HMAC tag.
    expectReject(verify, `${h}.${p}.${s}A`, BAD_SIG);
    expectReject(verify, `${h}.${p}.${mid(s, 'é')}`, codes);
  });
  test("non-canonical trailing bits (the spare bits of a segment's last character) → malformed", () => {
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Flipping the lowest bit of the last character's value changes only spare bits when the
    // segment length is 2 or 3 mod 4: Buffer.from(..., 'base64url') decodes the same bytes.
    const spare = (seg: string) => {
      const last = ALPHABET.indexOf(seg[seg.length - 1]!);
      return seg.slice(0, -1) + ALPHABET[last ^ 1];
    };
    let token = '';
    for (let i = 0; parts(token)[2].length % 4 === 0 || parts(token)[1].length % 4 === 0; i++) {
      token = hsForge(hsHeader(), claims({ jti: `t${i}` }));
    }
    const [h, p, s] = parts(token);
    assert.ok(Buffer.from(spare(s), 'base64url').equals(Buffer.from(s, 'base64url')), 'same bytes');
    expectReject(verify, `${h}.${p}.${spare(s)}`, MALFORMED);
    expectReject(verify, hsSigned(h, spare(p)), MALFORMED);
  });
  test('1, 2, 4 and 5 segments and empty segments', () => {
    const token = hsForge(hsHeader(), claims());
    const [h, p, s] = parts(token);
    const bad = [
      '',
      '.',
      '..',
      '...',
      h,
      `${h}.${p}`,
      `${h}.${p}.${s}.`,
      `${h}.${p}.${s}.${s}`,
      `${h}.${p}.${s}.${s}.${s}`,
      `.${p}.${s}`,
      `${h}..${s}`,
      hsSigned(h, ''),
      hsSigned('', p),
      `${h}.${p}.`, // empty signature: Tessera never accepts an unsecured JWS
    ];
    for (const t of bad) expectReject(verify, t, MALFORMED);
  });
});

/** Payload raw JSON: the honest claims with `member` spliced in verbatim (e.g. `"exp":1e400`). */
const rawClaims = (member: string, without: string[] = []) => {
  const base = Object.fromEntries(Object.entries(claims()).filter(([k]) => !without.includes(k)));
  return `${JSON.stringify(base).slice(0, -1)},${member}}`;
};

describe('claims policy', () => {
  const verify = verifierFor(['HS256']);
  const reject = (payload: unknown, code: ErrorCode | ErrorCode[], claim: string, opts = {}) =>
    expectReject(verifierFor(['HS256'], opts), hsForge(hsHeader(), payload), code, { claim });

  const badNumericDates: Record<string, string> = {
    'a string': '"1800000600"',
    'an empty string': '""',
    'a non-numeric string': '"soon"',
    null: 'null',
    true: 'true',
    'an object': '{}',
    'an array': '[1800000600]',
    '1e400 (Infinity)': '1e400',
    '-1e400 (-Infinity)': '-1e400',
  };
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    for (const [what, raw] of Object.entries(badNumericDates)) {
      test(`${name} as ${what} → ${CLAIM}`, () => {
        reject(rawClaims(`"${name}":${raw}`, [name]), CLAIM, name);
      });
    }
  }
  test('exp negative or zero → expired', () => {
    reject(claims({ exp: -1 }), EXPIRED, 'exp');
    reject(claims({ exp: 0 }), EXPIRED, 'exp');
    reject(claims({ exp: NOW_S - 31 }), EXPIRED, 'exp');
  });
  test('exp missing → claim invalid; accepted only with requireExp: false', () => {
    const { exp: _drop, ...noExp } = claims();
    reject(noExp, CLAIM, 'exp');
    const lax = verifierFor(['HS256'], { requireExp: false });
    assert.equal(lax(hsForge(hsHeader(), noExp)).payload.sub, 'u1');
  });
  test('nbf in the future (beyond tolerance) → not yet valid', () => {
    reject(claims({ nbf: NOW_S + 3600 }), NOT_YET, 'nbf');
    reject(claims({ nbf: NOW_S + 31 }), NOT_YET, 'nbf');
  });
  test('iat in the future (beyond tolerance) → rejected, naming iat', () => {
    reject(claims({ iat: NOW_S + 3600 }), NOT_YET, 'iat');
    reject(claims({ iat: NOW_S + 31 }), NOT_YET, 'iat');
  });
  const issuers: Record<string, unknown> = {
    wrong: 'https://evil.example.com',
    'case variant': 'https://Auth.example.com',
    'trailing slash': `${ISS}/`,
    'an array holding the issuer': [ISS],
    'a number': 1,
  };
  for (const [what, iss] of Object.entries(issuers)) {
    test(`iss ${what} → claim invalid (iss)`, () => {
      reject(claims({ iss }), CLAIM, 'iss');
    });
  }
  test('iss missing → claim invalid (iss)', () => {
    const { iss: _drop, ...noIss } = claims();
    reject(noIss, CLAIM, 'iss');
  });
  const audiences: Record<string, unknown> = {
    wrong: 'other.example.com',
    'case variant': 'API.example.com',
    'array without it': ['a.example.com', 'b.example.com'],
    'empty array': [],
    'array holding it twice nested': [[AUD]],
    'a number': 7,
    null: null,
  };
  for (const [what, aud] of Object.entries(audiences)) {
    test(`aud ${what} → claim invalid (aud)`, () => {
      reject(claims({ aud }), CLAIM, 'aud');
    });
  }
  test('aud missing → claim invalid (aud)', () => {
    const { aud: _drop, ...noAud } = claims();
    reject(noAud, CLAIM, 'aud');
  });
  test('typ mismatch when a typ is required', () => {
    const strict = verifierFor(['HS256'], { typ: 'at+jwt' });
    for (const typ of ['JWT', 'application/jwt', 'at+jwt ', 'rt+jwt']) {
      expectReject(strict, hsForge(hsHeader({ typ }), claims()), HEADER_INVALID);
    }
    const { typ: _drop, ...noTyp } = hsHeader();
    expectReject(strict, hsForge(noTyp, claims()), HEADER_INVALID);
    expectReject(strict, hsForge(hsHeader({ typ: ['at+jwt'] }), claims()), HEADER_INVALID);
  });
  test('maxAge exceeded or iat missing under maxAge', () => {
    reject(claims({ iat: NOW_S - 3600 }), EXPIRED, 'iat', { maxAge: '5m' });
    reject(claims({ iat: NOW_S - 331 }), EXPIRED, 'iat', { maxAge: 300 });
    const { iat: _drop, ...noIat } = claims();
    reject(noIat, CLAIM, 'iat', { maxAge: 300 });
  });
  test('requiredClaims missing → claim invalid naming the first missing one', () => {
    reject(claims(), CLAIM, 'sid', { requiredClaims: ['sid'] });
    reject(claims({ sid: 's1' }), CLAIM, 'roles', { requiredClaims: ['sid', 'roles'] });
    const ok = verifierFor(['HS256'], { requiredClaims: ['sid', 'roles'] });
    assert.deepEqual(ok(hsForge(hsHeader(), claims({ sid: 's1', roles: [] }))).payload.roles, []);
  });
  test('the honest token passes this verifier (so every rejection above is the claim)', () => {
    assert.equal(verify(hsForge(hsHeader(), claims())).payload.sub, 'u1');
  });
});

describe('kid lookups', () => {
  // Several keys: the kid is the only way to pick one. Tokens carry the real secret's MAC.
  const first = legitKey('HS256');
  const second = legitKey('HS256', 'second');
  const verify = createVerifier({
    keys: createKeySet([first.key, second.key]),
    algorithms: ['HS256'],
    issuer: ISS,
    audience: AUD,
    now: fixedNow,
  });
  const withKid = (kid: unknown, key = first.pair.secret) =>
    forge({ header: { alg: 'HS256', typ: 'at+jwt', kid }, payload: claims(), key });
  test('both real kids are accepted', () => {
    assert.equal(verify(withKid(first.kid)).header.kid, first.kid);
    assert.equal(verify(withKid(second.kid, second.pair.secret)).header.kid, second.kid);
  });
  const unknownKids: Record<string, string> = {
    'path traversal': '../../etc/passwd',
    'path traversal to the real kid': `../${first.kid}`,
    'SQL injection': "' OR 1=1 --",
    'case variant': first.kid.toUpperCase(),
    'trailing space': `${first.kid} `,
    'trailing NUL': `${first.kid}\u0000`,
    __proto__: '__proto__',
    constructor: 'constructor',
    toString: 'toString',
    hasOwnProperty: 'hasOwnProperty',
  };
  for (const [what, kid] of Object.entries(unknownKids)) {
    test(`kid ${what} → ${NO_KEY}`, () => {
      expectReject(verify, withKid(kid), NO_KEY);
    });
  }
  test('kid empty → bad header; very long → no matching key', () => {
    expectReject(verify, withKid(''), HEADER_INVALID);
    expectReject(verify, withKid('k'.repeat(5000)), NO_KEY);
  });
  const nonStrings: Record<string, unknown> = {
    number: 1,
    null: null,
    true: true,
    object: { kid: first.kid },
    'array holding the real kid': [first.kid],
  };
  for (const [what, kid] of Object.entries(nonStrings)) {
    test(`kid not a string (${what}) → ${HEADER_INVALID}`, () => {
      expectReject(verify, withKid(kid), HEADER_INVALID);
    });
  }
  test('kid missing while the set holds several keys', () => {
    const token = forge({
      header: { alg: 'HS256', typ: 'at+jwt' },
      payload: claims(),
      key: first.pair.secret,
    });
    expectReject(verify, token, NO_KEY);
  });
});

describe('tampering and key substitution', () => {
  const verify = verifierFor([...ALL_ALGS]);
  for (const alg of ALL_ALGS) {
    test(`${alg}: payload edited and re-encoded under the old signature`, () => {
      const token = honest(alg);
      const [h, p, s] = parts(token);
      const edited = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      expectReject(verify, `${h}.${segment({ ...edited, sub: 'u2' })}.${s}`, BAD_SIG);
      expectReject(verify, `${h}.${segment({ ...edited, roles: ['admin'] })}.${s}`, BAD_SIG);
      expectReject(verify, flipChar(token, 1, 5), BAD_SIG); // alphabet intact: the MAC/signature fails
    });
    test(`${alg}: signed by a key with the same kid but different material`, () => {
      const evil = rawPair(alg, 'evil');
      const token = forge({
        header: { alg, typ: 'at+jwt', kid: legitKey(alg).kid },
        payload: claims(),
        key: evil.privateKey,
      });
      expectReject(verify, token, BAD_SIG);
    });
  }
  test('header swapped in from a token of another alg', () => {
    const es = parts(honest('ES256'));
    const hsTok = parts(honest('HS256'));
    const rs = parts(honest('RS256'));
    expectReject(verify, `${es[0]}.${hsTok[1]}.${hsTok[2]}`, BAD_SIG);
    expectReject(verify, `${hsTok[0]}.${rs[1]}.${rs[2]}`, BAD_SIG);
    expectReject(verify, `${rs[0]}.${es[1]}.${es[2]}`, BAD_SIG);
  });
  const mismatches: Array<[Alg, Alg]> = [
    ['ES256', 'ES384'],
    ['ES384', 'ES256'],
    ['RS256', 'RS512'],
    ['RS256', 'PS256'],
    ['PS256', 'RS256'],
    ['HS256', 'HS512'],
  ];
  for (const [bound, claimed] of mismatches) {
    test(`a key bound to ${bound} used for a token whose header says ${claimed}`, () => {
      const { kid, pair } = legitKey(bound);
      const both = createVerifier({
        keys: [legitKey(bound).key],
        algorithms: [bound, claimed],
        issuer: ISS,
        audience: AUD,
        now: fixedNow,
      });
      // Signed with the legitimate private key but the other algorithm's hash/padding: only the
      // binding of key to algorithm can reject it.
      const token = forge({
        header: { alg: claimed, typ: 'at+jwt', kid },
        payload: claims(),
        key: pair.privateKey,
      });
      expectReject(both, token, ALG_NOT_ALLOWED);
      const only = createVerifier({ keys: [legitKey(bound).key], algorithms: [bound], now: fixedNow });
      expectReject(only, token, ALG_NOT_ALLOWED);
    });
  }
});

describe('valid edge cases are accepted', () => {
  const ok = (payload: Record<string, unknown>, opts: Partial<VerifierOptions> = {}) =>
    verifierFor(['HS256'], opts)(hsForge(hsHeader(), payload)).payload;
  test('exp in the past but inside the clock tolerance', () => {
    assert.equal(ok(claims({ exp: NOW_S - 20 })).sub, 'u1'); // default tolerance 30 s
    assert.equal(ok(claims({ exp: NOW_S - 50 }), { clockTolerance: 60 }).sub, 'u1');
    assert.equal(ok(claims({ exp: NOW_S - 50 }), { clockTolerance: '1m' }).sub, 'u1');
  });
  test('nbf slightly in the future, inside the tolerance', () => {
    assert.equal(ok(claims({ nbf: NOW_S + 20 })).sub, 'u1');
    assert.equal(ok(claims({ nbf: NOW_S + 5, iat: NOW_S + 5 }), { clockTolerance: 10 }).sub, 'u1');
  });
  test('aud array containing the audience', () => {
    assert.deepEqual(ok(claims({ aud: ['other.example.com', AUD] })).aud, ['other.example.com', AUD]);
    assert.equal(
      ok(claims({ aud: 'b.example.com' }), { audience: ['a.example.com', 'b.example.com'] }).sub,
      'u1',
    );
  });
  test('iss among several allowed', () => {
    const issuer = ['https://old.example.com', ISS];
    assert.equal(ok(claims({ iss: 'https://old.example.com' }), { issuer }).sub, 'u1');
    assert.equal(ok(claims(), { issuer }).sub, 'u1');
  });
  test('typ compared case-insensitively, application/ prefix optional', () => {
    const verify = verifierFor(['HS256'], { typ: 'at+jwt' });
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT']) {
      assert.equal(verify(hsForge(hsHeader({ typ }), claims())).header.typ, typ);
    }
  });
  test('maxAge inside the limit', () => {
    assert.equal(ok(claims({ iat: NOW_S - 200 }), { maxAge: '5m' }).sub, 'u1');
  });
});

describe('time boundaries, as documented in packages/core/README.md ("Claims")', () => {
  const at = (payload: Record<string, unknown>, opts: Partial<VerifierOptions> = {}) => {
    const verify = verifierFor(['HS256'], { clockTolerance: 30, ...opts });
    return () => verify(hsForge(hsHeader(), payload)).payload.sub;
  };
  test('exp: expired when now >= exp + clockTolerance', () => {
    assert.equal(at(claims({ exp: NOW_S - 29 }))(), 'u1');
    expectReject(at(claims({ exp: NOW_S - 30 })), '', EXPIRED, { claim: 'exp' });
  });
  test('nbf: not yet valid when nbf > now + clockTolerance', () => {
    assert.equal(at(claims({ nbf: NOW_S + 30 }))(), 'u1');
    expectReject(at(claims({ nbf: NOW_S + 31 })), '', NOT_YET, { claim: 'nbf' });
  });
  test('iat: issued in the future when iat > now + clockTolerance', () => {
    assert.equal(at(claims({ iat: NOW_S + 30 }))(), 'u1');
    expectReject(at(claims({ iat: NOW_S + 31 })), '', NOT_YET, { claim: 'iat' });
  });
  test('maxAge: expired when now > iat + maxAge + clockTolerance (equal is still valid)', () => {
    // The README's rule, and jose's (`age - tolerance > maxTokenAge`).
    assert.equal(at(claims({ iat: NOW_S - 330 }), { maxAge: 300 })(), 'u1');
    expectReject(at(claims({ iat: NOW_S - 331 }), { maxAge: 300 }), '', EXPIRED, { claim: 'iat' });
  });
});

/** A KeySet the test can change under the verifier (the contract's interface, nothing more). */
function mutableKeySet(keys: TesseraKey[]): KeySet & { remove(kid: string): void } {
  const map = new Map(keys.map((k) => [k.kid, k]));
  return {
    get: (kid: string) => map.get(kid),
    get size() {
      return map.size;
    },
    list: () => [...map.values()],
    remove: (kid: string) => {
      map.delete(kid);
    },
  };
}

describe('verified-token cache', () => {
  const setup = (opts: Partial<VerifierOptions> = {}) => {
    const clock = { ms: NOW_MS };
    const keys = mutableKeySet([legitKey('HS256').key, legitKey('ES256').key]);
    const verify = createVerifier({
      keys,
      algorithms: ['HS256', 'ES256'],
      issuer: ISS,
      audience: AUD,
      cache: { max: 100 },
      now: () => clock.ms,
      ...opts,
    });
    assert.ok(verify.cache, 'a verifier created with cache exposes .cache');
    return { clock, keys, verify, cache: verify.cache };
  };

  test('a cached token past its exp is rejected', () => {
    const { clock, verify, cache } = setup();
    const token = honest('ES256', { exp: NOW_S + 60 });
    assert.equal(verify(token).payload.sub, 'u1');
    assert.equal(verify(token).payload.sub, 'u1');
    assert.equal(cache.size, 1);
    clock.ms = (NOW_S + 60 + 29) * 1000; // inside the 30 s tolerance
    assert.equal(verify(token).payload.sub, 'u1');
    clock.ms = (NOW_S + 60 + 31) * 1000;
    expectReject(verify, token, EXPIRED, { claim: 'exp' });
  });

  test('invalidateJti drops the entry and the next call re-verifies', () => {
    const { keys, verify, cache } = setup();
    const token = honest('HS256', { jti: 'jti-a' });
    const other = honest('ES256', { jti: 'jti-b' });
    verify(token);
    verify(other);
    assert.equal(cache.size, 2);
    cache.invalidateJti('jti-unknown');
    assert.equal(cache.size, 2);
    cache.invalidateJti('jti-a');
    assert.equal(cache.size, 1);
    // Re-verification is observable: the key is gone now, so the full path must fail.
    keys.remove(legitKey('HS256').kid);
    expectReject(verify, token, NO_KEY);
    assert.equal(verify(other).payload.jti, 'jti-b');
  });

  test('invalidateSid drops every token of that session', () => {
    const { keys, verify, cache } = setup();
    const a1 = honest('HS256', { jti: 'a1', sid: 'sess-a' });
    const a2 = honest('HS256', { jti: 'a2', sid: 'sess-a' });
    const b1 = honest('ES256', { jti: 'b1', sid: 'sess-b' });
    for (const t of [a1, a2, b1]) verify(t);
    assert.equal(cache.size, 3);
    cache.invalidateSid('sess-a');
    assert.equal(cache.size, 1);
    keys.remove(legitKey('HS256').kid);
    expectReject(verify, a1, NO_KEY);
    expectReject(verify, a2, NO_KEY);
    assert.equal(verify(b1).payload.sid, 'sess-b');
  });

  test('invalidateKid drops every token signed under that key', () => {
    const { keys, verify, cache } = setup();
    const hsTok = honest('HS256', { jti: 'h' });
    const esTok = honest('ES256', { jti: 'e' });
    verify(hsTok);
    verify(esTok);
    keys.remove(legitKey('ES256').kid);
    cache.invalidateKid(legitKey('ES256').kid);
    assert.equal(cache.size, 1);
    expectReject(verify, esTok, NO_KEY);
    assert.equal(verify(hsTok).payload.jti, 'h');
  });

  test('isRevoked is consulted on cached hits → ERR_JWT_REVOKED', () => {
    const revoked = new Set<string>();
    const seen: string[] = [];
    const { verify, cache } = setup({
      isRevoked: (payload, header) => {
        seen.push(String(header.kid));
        return revoked.has(String(payload.jti)) || revoked.has(`sid:${String(payload.sid)}`);
      },
    });
    const token = honest('HS256', { jti: 'r1', sid: 's1' });
    verify(token);
    verify(token);
    assert.equal(seen.length, 2);
    assert.equal(seen[0], legitKey('HS256').kid);
    revoked.add('r1');
    expectReject(verify, token, REVOKED);
    cache.invalidateJti('r1');
    expectReject(verify, token, REVOKED);
    revoked.clear();
    revoked.add('sid:s1');
    cache.invalidateSid('s1');
    expectReject(verify, token, REVOKED);
  });

  test('a tampered copy of a cached token is not served from the cache', () => {
    const { verify } = setup();
    const token = honest('HS256', { jti: 'c1' });
    assert.equal(verify(token).payload.jti, 'c1');
    const [h, p, s] = parts(token);
    const edited = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    expectReject(verify, `${h}.${segment({ ...edited, roles: ['admin'] })}.${s}`, BAD_SIG);
    expectReject(verify, flipChar(token, 2, 10), BAD_SIG);
    expectReject(verify, flipChar(token, 0, 3), [BAD_SIG, MALFORMED, HEADER_INVALID]);
    expectReject(verify, `${token}=`, MALFORMED);
    expectReject(verify, `${token}\n`, MALFORMED);
    expectReject(verify, ` ${token}`, MALFORMED);
    assert.equal(verify(token).payload.jti, 'c1');
  });

  test('a revoked token is not cached, and is accepted once no longer revoked', () => {
    let revoked = true;
    const { verify, cache } = setup({ isRevoked: () => revoked });
    const token = honest('HS256', { jti: 'rv' });
    expectReject(verify, token, REVOKED);
    assert.equal(cache.size, 0);
    revoked = false;
    assert.equal(verify(token).payload.jti, 'rv');
    assert.equal(cache.size, 1);
  });
  test('a token failing its claims is not cached', () => {
    const { verify, cache } = setup();
    expectReject(verify, honest('HS256', { aud: 'elsewhere' }), CLAIM, { claim: 'aud' });
    expectReject(verify, withSignature(honest('HS256'), randomBytes(32)), BAD_SIG);
    assert.equal(cache.size, 0);
  });
  test('the cache is bounded by max and can be cleared', () => {
    const { verify, cache } = setup({ cache: { max: 2 } });
    for (let i = 0; i < 5; i++) verify(honest('HS256', { jti: `m${i}` }));
    assert.ok(cache.size <= 2, `size ${cache.size}`);
    cache.clear();
    assert.equal(cache.size, 0);
  });
});

describe('error messages never contain the token', () => {
  const verify = verifierFor(['HS256', 'ES256']);
  const evilIss = 'https://evil.example.com/<script>secret-marker</script>';
  const failures: Record<string, string> = {
    'bad signature': withSignature(honest('HS256'), randomBytes(32)),
    expired: hsForge(hsHeader(), claims({ exp: NOW_S - 3600 })),
    'wrong issuer': hsForge(hsHeader(), claims({ iss: evilIss })),
    malformed: `${parts(honest('HS256'))[0]}.@@@@@@@@@@@@@@@@@@@@@@@@@.${parts(honest('HS256'))[2]}`,
    'alg not allowed': honest('RS256'),
    'unknown kid': forge({
      header: { alg: 'ES256', kid: 'kid-secret-marker' },
      payload: claims(),
      key: rawPair('ES256').privateKey,
    }),
    'too large': hsForge(hsHeader(), claims({ pad: 'z'.repeat(9000) })),
  };
  for (const [what, token] of Object.entries(failures)) {
    test(what, () => {
      let caught: unknown;
      try {
        verify(token);
      } catch (err) {
        caught = err;
      }
      assert.ok(caught instanceof Error, 'rejected');
      assertNoLeak(caught, token);
      assert.ok(!caught.message.includes('secret-marker'), 'attacker-chosen claim/header text is not echoed');
    });
  }
});

describe('weak keys are refused at import', () => {
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    test(`${alg}: secrets under 32 bytes (Buffer and string) → TypeError`, () => {
      for (const n of [0, 1, 16, 31]) {
        assert.throws(() => importKey(Buffer.alloc(n, 7), { alg }), TypeError, `${n} bytes`);
        assert.throws(() => importKey('s'.repeat(n), { alg }), TypeError, `${n} chars`);
      }
      assert.equal(importKey(randomBytes(32), { alg }).alg, alg);
    });
  }
  test('RSA moduli under 2048 bits → TypeError', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const alg of ['RS256', 'PS256'] as const) {
      assert.throws(() => importKey(pem, { alg }), TypeError);
      assert.throws(() => importKey(publicKey, { alg }), TypeError);
    }
  });
});

describe('inputs that are not strings', () => {
  const verify = verifierFor(['HS256']);
  const values: Record<string, unknown> = {
    undefined,
    null: null,
    number: 42,
    'Buffer of a valid token': Buffer.from(hsForge(hsHeader(), claims())),
    'array of segments': hsForge(hsHeader(), claims()).split('.'),
    'object with toString': { toString: () => hsForge(hsHeader(), claims()) },
  };
  for (const [what, value] of Object.entries(values)) {
    test(`${what} → ${MALFORMED}`, () => {
      expectReject(verify as (t: unknown) => unknown, value as string, MALFORMED);
    });
  }
});

describe('decodeToken applies the same structural checks (no signature check)', () => {
  const token = hsForge(hsHeader(), claims());
  const [h, p, s] = parts(token);
  test('a well-formed token decodes', () => {
    const decoded = decodeToken(token);
    assert.equal(decoded.header.alg, 'HS256');
    assert.equal(decoded.payload.sub, 'u1');
    assert.deepEqual(decoded.signature, signatureOf(token));
  });
  const bad: Record<string, [string, ErrorCode]> = {
    '1 MB': ['!'.repeat(1 << 20), TOO_LARGE],
    'duplicate header names': [hsForge(`{"alg":"none","alg":"HS256"}`, claims()), MALFORMED],
    'payload not an object': [`${h}.${segment('[1]')}.${s}`, MALFORMED],
    'padding in the payload': [`${h}.${p}=.${s}`, MALFORMED],
    'four segments': [`${token}.${s}`, MALFORMED],
    'empty signature': [`${h}.${p}.`, MALFORMED],
  };
  for (const [what, [input, code]] of Object.entries(bad)) {
    test(`${what} → ${code}`, () => {
      expectReject((t) => decodeToken(t), input, code);
    });
  }
  test('the size limit is configurable', () => {
    expectReject((t) => decodeToken(t, { maxTokenLength: 100 }), token, TOO_LARGE);
  });
});

describe('random garbage and random mutations only ever raise a TesseraError', () => {
  const verify = verifierFor(['HS256', 'ES256', 'RS256', 'EdDSA'], { cache: { max: 50 } });
  const seeds = (['HS256', 'ES256', 'RS256', 'EdDSA'] as const).map((alg) => honest(alg));
  const mustThrowTyped = (token: string) => {
    let threw: unknown;
    try {
      verify(token);
    } catch (err) {
      threw = err;
    }
    assert.ok(threw !== undefined, `accepted: ${JSON.stringify(token.slice(0, 80))}`);
    assert.ok(expectTyped(threw), `not a TesseraError: ${String(threw)}`);
  };
  // No isRevoked here, so every other code is possible; anything else (TypeError, RangeError) is not.
  const expectTyped = (err: unknown) => isTesseraError(err) && err.code !== REVOKED;
  test('arbitrary strings, dotted or not', () => {
    const piece = fc.string({ unit: 'binary', maxLength: 40 });
    const dotted = fc.array(piece, { minLength: 1, maxLength: 5 }).map((xs) => xs.join('.'));
    fc.assert(fc.property(fc.oneof(piece, dotted), mustThrowTyped), { numRuns: 500, seed: 7 });
  });
  test('honest tokens with characters replaced, inserted or deleted', () => {
    const mutation = fc.record({
      which: fc.nat(seeds.length - 1),
      at: fc.nat(),
      kind: fc.constantFrom('replace', 'insert', 'delete'),
      ch: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
    });
    fc.assert(
      fc.property(mutation, ({ which, at, kind, ch }) => {
        const token = seeds[which]!;
        const i = at % token.length;
        const mutated =
          kind === 'delete'
            ? token.slice(0, i) + token.slice(i + 1)
            : token.slice(0, i) + ch + token.slice(kind === 'replace' ? i + 1 : i);
        // A replacement by the same character, or in the spare bits of a segment's last
        // character, may leave the token's meaning intact: those are allowed to verify.
        if (mutated === token) return;
        try {
          verify(mutated);
          const segs = parts(token);
          const mSegs = parts(mutated);
          const same = segs.every((seg, k) =>
            Buffer.from(seg, 'base64url').equals(Buffer.from(mSegs[k]!, 'base64url')),
          );
          assert.ok(same && kind === 'replace', `mutation accepted: ${kind} ${JSON.stringify(ch)} at ${i}`);
        } catch (err) {
          assert.ok(expectTyped(err), `not a TesseraError: ${String(err)}`);
        }
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});

describe('JWKS import cannot be steered into key confusion', () => {
  const rsa = rawPair('RS256');
  const pem = publicPem(rsa);
  const jwk = rsa.publicKey.export({ format: 'jwk' });
  const algorithms: Alg[] = ['RS256', 'HS256'];
  const hmacToken = (kid: string, secret: string | Buffer) =>
    forge({ header: { alg: 'HS256', typ: 'at+jwt', kid }, payload: claims(), key: secret });

  test('an RSA JWK labelled alg: HS256 is skipped, so HMAC tokens under its kid find no key', () => {
    const set = importJwks({ keys: [{ ...jwk, kid: 'r1', alg: 'HS256' }] }, { algorithms });
    assert.equal(set.get('r1'), undefined);
    const verify = createVerifier({ keys: set, algorithms, issuer: ISS, audience: AUD, now: fixedNow });
    for (const secret of [pem, JSON.stringify(jwk), Buffer.from(jwk.n!, 'base64url')]) {
      expectReject(verify, hmacToken('r1', secret), NO_KEY);
    }
  });
  test('an RSA JWK without alg is bound to the RSA algorithm, never to HS256', () => {
    const set = importJwks({ keys: [{ ...jwk, kid: 'r2' }] }, { algorithms });
    assert.equal(set.get('r2')?.alg, 'RS256');
    const verify = createVerifier({ keys: set, algorithms, issuer: ISS, audience: AUD, now: fixedNow });
    expectReject(verify, hmacToken('r2', pem), ALG_NOT_ALLOWED);
  });
  test('an oct JWK whose k is the RSA public key PEM is refused (README: never from PEM text)', () => {
    const set = importJwks({ keys: [{ kty: 'oct', k: b64u(pem), kid: 'o1', alg: 'HS256' }] }, { algorithms });
    assert.equal(set.get('o1'), undefined);
  });
  test('private members in a JWKS are dropped: the key is public', () => {
    const priv = rsa.privateKey.export({ format: 'jwk' });
    const set = importJwks({ keys: [{ ...priv, kid: 'p1', alg: 'RS256' }] }, { algorithms });
    assert.equal(set.get('p1')?.kind, 'public');
  });
});

describe('a key replaced under the same kid (caller-managed KeySet)', () => {
  test('a cached token is re-verified against the new key; the old key no longer counts', () => {
    const legit = legitKey('ES256');
    const evil = rawPair('ES256', 'evil');
    const evilKey = importKey(evil.publicKey, { alg: 'ES256', kid: legit.kid });
    let current: TesseraKey = legit.key;
    const keys: KeySet = {
      get: (kid) => (kid === current.kid ? current : undefined),
      size: 1,
      list: () => [current],
    };
    const verify = createVerifier({
      keys,
      algorithms: ['ES256'],
      issuer: ISS,
      audience: AUD,
      cache: { max: 10 },
      now: fixedNow,
    });
    const token = honest('ES256', { jti: 'swap-1' });
    assert.equal(verify(token).payload.jti, 'swap-1');
    assert.equal(verify(token).payload.jti, 'swap-1');
    current = evilKey;
    expectReject(verify, token, BAD_SIG);
    const evilToken = forge({
      header: { alg: 'ES256', typ: 'at+jwt', kid: legit.kid },
      payload: claims({ jti: 'swap-2' }),
      key: evil.privateKey,
    });
    assert.equal(verify(evilToken).payload.jti, 'swap-2'); // the set is the authority
    current = legit.key;
    expectReject(verify, evilToken, BAD_SIG);
  });
});

describe('__proto__ in the header or payload pollutes nothing', () => {
  const verify = verifierFor(['HS256']);
  test('payload "__proto__" stays an own property, grants nothing', () => {
    const raw = rawClaims('"__proto__":{"admin":true,"roles":["admin"]}');
    const { payload } = verify(hsForge(hsHeader(), raw));
    assert.equal(payload.admin, undefined);
    assert.equal(payload.roles, undefined);
    assert.ok(Object.hasOwn(payload, '__proto__'));
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });
  test('header "__proto__" cannot supply crit, alg or kid', () => {
    const withCrit = `{"alg":"HS256","kid":"${hs().kid}","__proto__":{"crit":["x"],"b64":false}}`;
    assert.equal(verify(hsForge(withCrit, claims())).header.crit, undefined);
    const noAlg = `{"kid":"${hs().kid}","__proto__":{"alg":"HS256"}}`;
    expectReject(verify, hsForge(noAlg, claims()), HEADER_INVALID);
    const noKid = `{"alg":"HS256","__proto__":{"kid":"${hs().kid}"}}`;
    const several = createVerifier({
      keys: createKeySet([hs().key, legitKey('HS256', 'second').key]),
      algorithms: ['HS256'],
      now: fixedNow,
    });
    expectReject(several, hsForge(noKid, claims()), NO_KEY);
  });
});
