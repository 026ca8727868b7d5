// Published JWS examples, stored as data in test/vectors/rfc/jws.json and titled with their RFC
// section URL: RFC 7515 appendix A (A.1-A.4), RFC 8037 A.4, RFC 7520 section 4 (4.1-4.4, and the
// variants 4.5-4.7 plus RFC 7797 b64:false, which we must refuse or which need their detached
// payload). Each vector is verified through importJwks + the JWS layer, through createVerifier when
// its payload is a JWT claims set, re-signed byte for byte when the algorithm is deterministic, and
// tampered with to show the failure code.
import assert from 'node:assert/strict';
import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { importKey } from '../src/jwk/import.js';
import { importJwks } from '../src/jwks/key-set.js';
import { verifyCompactJws } from '../src/jws/compact-verify.js';
import { hmacVerify } from '../src/jws/hmac.js';
import { prepareSign, prepareVerify } from '../src/jws/primitive.js';
import { createVerifier } from '../src/jwt/verify.js';
import type { Alg } from '../src/lib/algorithms.js';

interface Vector {
  title: string;
  alg: Alg;
  key: JsonWebKey;
  compact: string;
  payload: { json?: Record<string, unknown>; text?: string };
  deterministic: boolean;
}
interface Variant {
  title: string;
  alg: Alg;
  key: JsonWebKey;
  compact?: string;
  detachedPayloadSegment?: string;
  protected?: string;
  payloadSegment?: string;
  rawPayload?: string;
  signature?: string;
  expect: string;
}

// Compiled tests run from dist/test/: the data stays in the source tree.
const data = JSON.parse(
  readFileSync(new URL('../../test/vectors/rfc/jws.json', import.meta.url), 'utf8'),
) as {
  vectors: Vector[];
  variants: Variant[];
};

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'valid';
}

/** The verifier's view: the public JWK only (private members stripped by importJwks). */
const publicSet = (v: { key: JsonWebKey; alg: Alg }) =>
  importJwks({ keys: [v.key] }, { algorithms: [v.alg] });

function tamper(compact: string): string {
  const i = compact.lastIndexOf('.') + 1;
  const sig = Buffer.from(compact.slice(i), 'base64url');
  sig[sig.length >> 1]! ^= 0x01;
  return compact.slice(0, i) + sig.toString('base64url');
}

describe('RFC JWS vectors', () => {
  assert.ok(data.vectors.length >= 9);
  for (const v of data.vectors) {
    test(v.title, () => {
      const keys = publicSet(v);
      assert.equal(keys.size, 1);
      const { header, payload } = verifyCompactJws(v.compact, keys, [v.alg]);
      assert.equal(header.alg, v.alg);
      if (v.payload.text !== undefined) assert.equal(payload.toString('utf8'), v.payload.text);
      if (v.payload.json !== undefined)
        assert.deepEqual(JSON.parse(payload.toString('utf8')), v.payload.json);
      assert.equal(
        code(() => verifyCompactJws(tamper(v.compact), keys, [v.alg])),
        'ERR_JWS_SIGNATURE_INVALID',
      );

      if (v.payload.json !== undefined) {
        // A JWT: these claims expired in 2011, so the clock is set just before `exp`.
        const exp = v.payload.json.exp as number;
        const at = (s: number) =>
          createVerifier({ keys, algorithms: [v.alg], issuer: 'joe', now: () => s * 1000 });
        assert.deepEqual(at(exp - 60)(v.compact).payload, v.payload.json);
        assert.equal(
          code(() => at(exp + 60)(v.compact)),
          'ERR_JWT_EXPIRED',
        );
        assert.equal(
          code(() => at(exp - 60)(tamper(v.compact))),
          'ERR_JWS_SIGNATURE_INVALID',
        );
      } else {
        // Not a claims set: a JWT verifier refuses it, but only after the signature held.
        const verify = createVerifier({ keys, algorithms: [v.alg], requireExp: false });
        assert.equal(
          code(() => verify(v.compact)),
          'ERR_JWT_MALFORMED',
        );
        assert.equal(
          code(() => verify(tamper(v.compact))),
          'ERR_JWS_SIGNATURE_INVALID',
        );
      }

      // Our signer with the published private key.
      const { kid: _kid, use: _use, ...material } = v.key;
      const priv = importKey(material, { alg: v.alg });
      const input = v.compact.slice(0, v.compact.lastIndexOf('.'));
      const sig = prepareSign(v.alg, priv.keyObject)(input);
      if (v.deterministic) {
        assert.equal(sig.toString('base64url'), v.compact.slice(v.compact.lastIndexOf('.') + 1));
      } else {
        const pub = keys.list()[0]!.keyObject;
        assert.equal(prepareVerify(v.alg, pub)(input, sig), true);
      }
    });
  }
});

describe('RFC 7520 4.5-4.7 and RFC 7797 variants', () => {
  const byTitle = (s: string) => data.variants.find((x) => x.title.includes(s))!;

  test(byTitle('section-4.5').title, () => {
    const v = byTitle('section-4.5');
    const keys = publicSet(v);
    assert.equal(
      code(() => verifyCompactJws(v.compact!, keys, [v.alg])),
      v.expect,
    );
    const [h, , s] = v.compact!.split('.');
    const attached = `${h}.${v.detachedPayloadSegment}.${s}`;
    assert.match(
      verifyCompactJws(attached, keys, [v.alg]).payload.toString('utf8'),
      /^It’s a dangerous business/,
    );
  });

  test(byTitle('section-4.6').title, () => {
    const v = byTitle('section-4.6');
    const compact = `${v.protected}.${v.payloadSegment}.${v.signature}`;
    const { header } = verifyCompactJws(compact, publicSet(v), [v.alg]);
    assert.deepEqual(header, { alg: 'HS256' });
    assert.equal(v.expect, 'valid');
  });

  test(byTitle('section-4.7').title, () => {
    const v = byTitle('section-4.7');
    const compact = `${v.protected}.${v.payloadSegment}.${v.signature}`;
    assert.equal(
      code(() => verifyCompactJws(compact, publicSet(v), [v.alg])),
      v.expect,
    );
    const secret = Buffer.from(v.key.k as string, 'base64url');
    assert.equal(
      hmacVerify('sha256', secret, `.${v.payloadSegment}`, Buffer.from(v.signature!, 'base64url')),
      true,
    );
  });

  test(byTitle('rfc7797').title, () => {
    const v = byTitle('rfc7797');
    const keys = publicSet(v);
    const secret = Buffer.from(v.key.k as string, 'base64url');
    // The RFC's signature is over the raw payload bytes; we can check it, and still refuse the token.
    assert.equal(
      hmacVerify('sha256', secret, `${v.protected}.${v.rawPayload}`, Buffer.from(v.signature!, 'base64url')),
      true,
    );
    const encoded = `${v.protected}.${Buffer.from(v.rawPayload!).toString('base64url')}.${v.signature}`;
    assert.equal(
      code(() => verifyCompactJws(encoded, keys, [v.alg])),
      v.expect,
    );
    assert.equal(
      code(() => createVerifier({ keys, algorithms: [v.alg] })(encoded)),
      v.expect,
    );
    assert.equal(
      code(() => verifyCompactJws(`${v.protected}..${v.signature}`, keys, [v.alg])),
      'ERR_JWT_MALFORMED',
    );
  });
});
