import assert from 'node:assert/strict';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createSigner } from '../jwt/sign.js';
import { createVerifier } from '../jwt/verify.js';
import { exportJwk, exportPrivateJwk } from './export.js';
import { generateKey } from './generate.js';
import { importKey, publicKeyOf } from './import.js';
import { jwkThumbprint } from './thumbprint.js';

// Copies made from DER: exporting a freshly generated key as JWK can deadlock Node 20 (generate.ts).
const detached = ({ privateKey }: { privateKey: KeyObject }) => {
  const key = createPrivateKey({
    key: privateKey.export({ format: 'der', type: 'pkcs8' }),
    format: 'der',
    type: 'pkcs8',
  });
  return { privateKey: key, publicKey: createPublicKey(key) };
};
const ec = detached(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
const rsa = detached(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const ed = detached(generateKeyPairSync('ed25519'));

describe('importKey: HMAC secrets never come from asymmetric material', () => {
  test('random binary secrets that merely start with "{" are accepted; JSON with a kty is not', () => {
    // One random secret in 256 starts with 0x7b ("{"): refusing those made HS keys fail at random.
    for (const lead of ['{', ' \n{', '{"a":1}']) {
      const secret = Buffer.concat([Buffer.from(lead, 'latin1'), Buffer.alloc(40, 0xa7)]);
      assert.equal(importKey(secret, { alg: 'HS256' }).alg, 'HS256', JSON.stringify(lead));
    }
    const jwkText = JSON.stringify({ k: 'x'.repeat(40), kty: 'RSA', n: 'y'.repeat(40) });
    assert.throws(() => importKey(jwkText, { alg: 'HS256' }), /must not be PEM, JWK, SSH or DER/);
  });

  const pem = ec.publicKey.export({ format: 'pem', type: 'spki' }) as string;
  const cases: Array<[string, unknown]> = [
    ['PEM public key string', pem],
    ['PEM as Buffer', Buffer.from(pem)],
    ['PEM with leading whitespace', `\n  ${pem}`],
    ['RSA private PEM', rsa.privateKey.export({ format: 'pem', type: 'pkcs8' })],
    ['certificate-looking PEM', '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n'],
    ['SPKI DER', ec.publicKey.export({ format: 'der', type: 'spki' })],
    ['PKCS#1 DER', rsa.publicKey.export({ format: 'der', type: 'pkcs1' })],
    ['PKCS#8 DER', rsa.privateKey.export({ format: 'der', type: 'pkcs8' })],
    ['JWK-looking string', JSON.stringify(ec.publicKey.export({ format: 'jwk' }))],
    ['EC JWK object', ec.publicKey.export({ format: 'jwk' })],
    ['RSA JWK object', rsa.publicKey.export({ format: 'jwk' })],
    ['public KeyObject', rsa.publicKey],
    ['private KeyObject', ed.privateKey],
    ['SSH public key', `ssh-ed25519 ${'A'.repeat(68)} me@host`],
    ['oct JWK whose k is a PEM', { kty: 'oct', k: Buffer.from(pem).toString('base64url') }],
    [
      'oct JWK whose k is SPKI DER',
      { kty: 'oct', k: ec.publicKey.export({ format: 'der', type: 'spki' }).toString('base64url') },
    ],
    ['secret KeyObject made from a PEM', createSecretKey(Buffer.from(pem))],
  ];
  for (const [name, material] of cases) {
    test(`refuses ${name}`, () => {
      assert.throws(() => importKey(material as never, { alg: 'HS256' }), TypeError);
    });
  }

  test('secrets shorter than 32 bytes are refused (all HS algorithms)', () => {
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      assert.throws(() => importKey('x'.repeat(31), { alg }), /at least 32 bytes/);
      assert.equal(importKey('x'.repeat(32), { alg }).kind, 'secret');
    }
    assert.throws(() => importKey(Buffer.alloc(16), { alg: 'HS256' }), /at least 32 bytes/);
  });

  test('accepts strings, bytes, oct JWKs and secret KeyObjects; kid = b64url(SHA-256(secret)[0..16])', () => {
    const secret = Buffer.alloc(32, 0x41);
    const kid = createHash('sha256').update(secret).digest().subarray(0, 16).toString('base64url');
    for (const m of [
      'A'.repeat(32),
      secret,
      new Uint8Array(secret),
      { kty: 'oct', k: secret.toString('base64url') },
      createSecretKey(secret),
    ]) {
      const key = importKey(m as never, { alg: 'HS256' });
      assert.equal(key.kid, kid);
      assert.equal(key.kind, 'secret');
      assert.ok(Object.isFrozen(key));
    }
    // A random 32-byte secret that happens to start with 0x30 (DER SEQUENCE) is still fine.
    assert.equal(importKey(Buffer.from([0x30, ...Buffer.alloc(31, 9)]), { alg: 'HS256' }).kind, 'secret');
  });
});

describe('importKey: asymmetric keys', () => {
  test('PEM (SPKI, PKCS#8, PKCS#1, SEC1), DER, JWK, KeyObject all import; kid = full thumbprint', () => {
    const jwk = ec.publicKey.export({ format: 'jwk' });
    const thumb = jwkThumbprint(jwk);
    const materials = [
      ec.publicKey.export({ format: 'pem', type: 'spki' }),
      ec.privateKey.export({ format: 'pem', type: 'pkcs8' }),
      ec.privateKey.export({ format: 'pem', type: 'sec1' }),
      ec.publicKey.export({ format: 'der', type: 'spki' }),
      ec.privateKey.export({ format: 'der', type: 'pkcs8' }),
      jwk,
      JSON.stringify(ec.privateKey.export({ format: 'jwk' })),
      ec.privateKey,
    ];
    for (const m of materials) {
      const key = importKey(m as never, { alg: 'ES256' });
      assert.equal(key.kid, thumb);
      assert.equal(key.kid.length, 43);
    }
    assert.equal(
      importKey(rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }), { alg: 'RS256' }).kind,
      'public',
    );
    assert.equal(importKey(ec.privateKey, { alg: 'ES256', kid: 'mine' }).kid, 'mine');
    assert.equal(importKey(ec.privateKey, { alg: 'ES256' }).kind, 'private');
  });

  test('an X.509 certificate imports as its public key', () => {
    // Compiled to dist/src/jwk/: fixtures stay in the source tree.
    const dir = new URL('../../../test/vectors/keys/', import.meta.url);
    const cert = readFileSync(new URL('es256-cert.pem', dir), 'utf8');
    const pub = importKey(cert, { alg: 'ES256', kid: 'c' });
    assert.equal(pub.kind, 'public');
    const priv = importKey(readFileSync(new URL('es256-cert-key.pem', dir)), { alg: 'ES256', kid: 'c' });
    const token = createSigner({ key: priv })({ sub: 'u1' });
    assert.equal(createVerifier({ keys: pub, algorithms: ['ES256'] })(token).payload.sub, 'u1');
    assert.throws(() => importKey(cert, { alg: 'HS256' }), TypeError);
    assert.throws(() => importKey(cert, { alg: 'ES384' }), TypeError);
  });

  test('the key must fit the algorithm exactly (type, curve, RSA >= 2048 bits)', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    assert.throws(() => importKey(p384.publicKey, { alg: 'ES256' }), /P-256/);
    assert.throws(() => importKey(ec.publicKey, { alg: 'ES384' }), /P-384/);
    assert.throws(() => importKey(ec.publicKey, { alg: 'RS256' }), /RSA/);
    assert.throws(() => importKey(rsa.publicKey, { alg: 'EdDSA' }), /Ed25519/);
    assert.throws(() => importKey(ed.publicKey, { alg: 'ES256' }), TypeError);
    assert.throws(() => importKey(small.publicKey, { alg: 'RS256' }), /2048/);
    assert.throws(() => importKey(small.publicKey, { alg: 'PS256' }), /2048/);
    assert.throws(() => importKey(createSecretKey(Buffer.alloc(32)), { alg: 'RS256' }), TypeError);
    assert.throws(() => importKey('not a key', { alg: 'ES256' }), TypeError);
    assert.equal(importKey(rsa.publicKey, { alg: 'PS384' }).alg, 'PS384');
  });

  test('a JWK that names another alg is refused', () => {
    const jwk = { ...ec.publicKey.export({ format: 'jwk' }), alg: 'ES384' };
    assert.throws(() => importKey(jwk, { alg: 'ES256' }), /ES384/);
    assert.equal(importKey({ ...jwk, alg: 'ES256' }, { alg: 'ES256' }).alg, 'ES256');
  });

  test('bad options are TypeErrors with the path', () => {
    assert.throws(() => importKey(ec.publicKey, { alg: 'none' as never }), /opts\.alg/);
    assert.throws(() => importKey(ec.publicKey, { alg: 'ES256', kid: '' }), /opts\.kid/);
    assert.throws(() => importKey(ec.publicKey, undefined as never), /opts/);
  });

  test('publicKeyOf keeps kid/alg and drops the private half; HS keys have none', () => {
    const key = generateKey('EdDSA', { kid: 'e1' });
    const pub = publicKeyOf(key);
    assert.equal(pub.kind, 'public');
    assert.equal(pub.kid, 'e1');
    assert.equal(pub.keyObject.type, 'public');
    assert.equal(publicKeyOf(pub), pub);
    assert.throws(() => publicKeyOf(generateKey('HS256')), TypeError);
  });
});

describe('generateKey', () => {
  test('every algorithm; default kid = first 16 chars of the thumbprint', () => {
    for (const alg of ['HS256', 'HS512', 'RS256', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const) {
      const key = generateKey(alg);
      assert.equal(key.alg, alg);
      assert.equal(key.kid.length, 16);
      if (key.kind !== 'secret') assert.ok(jwkThumbprint(exportJwk(key)).startsWith(key.kid));
      else assert.equal(key.keyObject.symmetricKeySize, Number(alg.slice(2)) / 8);
    }
    assert.throws(() => generateKey('RS256', { modulusLength: 1024 }), /modulusLength/);
    assert.throws(() => generateKey('XX' as never), TypeError);
  });

  test('a private JWK round-trips through exportPrivateJwk/importKey', () => {
    const key = generateKey('ES512', { kid: 'k' });
    const back = importKey(exportPrivateJwk(key), { alg: 'ES512', kid: 'k' });
    const token = createSigner({ key: back })({ sub: 'u' });
    assert.equal(createVerifier({ keys: publicKeyOf(key), algorithms: ['ES512'] })(token).payload.sub, 'u');
  });
});
