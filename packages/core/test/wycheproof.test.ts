// Project Wycheproof vectors (test/vectors/wycheproof/, see its README) run through core's own key
// import (importKey: SPKI DER and JWK) and signature primitives (jws/primitive.ts, jws/hmac.ts).
// `valid` must verify, `invalid` must fail. `acceptable` (one RSA PKCS#1 case per file: a DigestInfo
// without the NULL parameter) is run but not asserted: both answers are allowed by the spec.
// HMAC: JWS never truncates a tag, so in the truncated-tag groups (tagSize < hash size) our primitive
// must refuse every tag, and for the `valid` ones the tag must equal the prefix of our HMAC (so the
// computation is still checked). The 32-byte secret policy of importKey is not applied here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { importKey } from '../src/jwk/import.js';
import { hmacSign, hmacVerify } from '../src/jws/hmac.js';
import { prepareVerify } from '../src/jws/primitive.js';
import type { Alg } from '../src/lib/algorithms.js';
import type { TesseraKey } from '../src/types.js';

// Compiled tests run from dist/test/: the vectors stay in the source tree.
const DIR = new URL('../../test/vectors/wycheproof/', import.meta.url);

interface Case {
  tcId: number;
  msg: string;
  sig?: string;
  tag?: string;
  key?: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface Group {
  publicKeyDer?: string;
  publicKeyJwk?: Record<string, unknown>;
  keyJwk?: Record<string, unknown>;
  tagSize?: number;
  tests: Case[];
}
interface VectorFile {
  numberOfTests: number;
  testGroups: Group[];
}

const load = (name: string) => JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as VectorFile;
const hex = (s: string) => Buffer.from(s, 'hex');

const SIGNATURE_FILES: Array<[string, Alg]> = [
  ['ecdsa_secp256r1_sha256_p1363_test.json', 'ES256'],
  ['ecdsa_secp384r1_sha384_p1363_test.json', 'ES384'],
  ['ecdsa_secp521r1_sha512_p1363_test.json', 'ES512'],
  ['ed25519_test.json', 'EdDSA'],
  ['rsa_signature_2048_sha256_test.json', 'RS256'],
  ['rsa_signature_2048_sha384_test.json', 'RS384'],
  ['rsa_signature_2048_sha512_test.json', 'RS512'],
  ['rsa_signature_3072_sha256_test.json', 'RS256'],
  ['rsa_signature_3072_sha384_test.json', 'RS384'],
  ['rsa_signature_3072_sha512_test.json', 'RS512'],
  ['rsa_pss_2048_sha256_mgf1_32_test.json', 'PS256'],
];

/** Imports the group's key through importKey from DER, and from the JWK when the file has one. */
function groupKeys(group: Group, alg: Alg): TesseraKey[] {
  const keys = [importKey(hex(group.publicKeyDer!), { alg, kid: 'w' })];
  const jwk = group.publicKeyJwk ?? group.keyJwk;
  if (jwk) {
    const { alg: _a, kid: _k, ...rest } = jwk;
    keys.push(importKey(rest, { alg, kid: 'w' }));
  }
  return keys;
}

describe('Wycheproof signature vectors', () => {
  for (const [file, alg] of SIGNATURE_FILES) {
    test(`${file} (${alg})`, () => {
      const data = load(file);
      const counts = { valid: 0, invalid: 0, acceptable: 0 };
      for (const group of data.testGroups) {
        const verifiers = groupKeys(group, alg).map((k) => prepareVerify(alg, k.keyObject));
        for (const tc of group.tests) {
          counts[tc.result]++;
          for (const verify of verifiers) {
            const ok = verify(hex(tc.msg), hex(tc.sig!));
            if (tc.result === 'valid') assert.equal(ok, true, `tcId ${tc.tcId} should verify`);
            if (tc.result === 'invalid') assert.equal(ok, false, `tcId ${tc.tcId} should fail`);
          }
        }
      }
      const total = counts.valid + counts.invalid + counts.acceptable;
      assert.ok(total > 0);
      assert.ok(counts.valid > 0 && counts.invalid > 0);
      assert.equal(total, data.numberOfTests);
    });
  }
});

describe('Wycheproof HMAC vectors', () => {
  for (const [file, hash, bytes] of [
    ['hmac_sha256_test.json', 'sha256', 32],
    ['hmac_sha384_test.json', 'sha384', 48],
    ['hmac_sha512_test.json', 'sha512', 64],
  ] as const) {
    test(`${file}`, () => {
      const data = load(file);
      let total = 0;
      let truncated = 0;
      for (const group of data.testGroups) {
        for (const tc of group.tests) {
          total++;
          const key = hex(tc.key!);
          const msg = hex(tc.msg);
          const tag = hex(tc.tag!);
          const ok = hmacVerify(hash, key, msg, tag);
          if (group.tagSize === bytes * 8) {
            assert.equal(ok, tc.result === 'valid', `tcId ${tc.tcId}`);
          } else {
            truncated++;
            assert.equal(ok, false, `tcId ${tc.tcId}: truncated tags are never accepted`);
            const prefix = hmacSign(hash, key, msg).subarray(0, tag.length).equals(tag);
            assert.equal(prefix, tc.result === 'valid', `tcId ${tc.tcId}: truncated computation`);
          }
        }
      }
      assert.ok(total > 0 && truncated > 0);
      assert.equal(total, data.numberOfTests);
    });
  }
});
