// Checks a JWS signature with WebCrypto against a public JWK from this server's JWKS. JWS ECDSA
// signatures are already the raw R||S WebCrypto expects; PSS uses a salt as long as the hash.

type Params = {
  importAlg: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams;
  verifyAlg: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
};

function params(alg: string): Params | undefined {
  const bits = alg.slice(2);
  const hash = `SHA-${bits}`;
  if (alg.startsWith('RS'))
    return { importAlg: { name: 'RSASSA-PKCS1-v1_5', hash }, verifyAlg: { name: 'RSASSA-PKCS1-v1_5' } };
  if (alg.startsWith('PS'))
    return {
      importAlg: { name: 'RSA-PSS', hash },
      verifyAlg: { name: 'RSA-PSS', saltLength: Number(bits) / 8 },
    };
  if (alg.startsWith('ES')) {
    const namedCurve = bits === '256' ? 'P-256' : bits === '384' ? 'P-384' : 'P-521';
    return { importAlg: { name: 'ECDSA', namedCurve }, verifyAlg: { name: 'ECDSA', hash } };
  }
  if (alg === 'EdDSA') return { importAlg: { name: 'Ed25519' }, verifyAlg: { name: 'Ed25519' } };
  return undefined;
}

export type SignatureOutcome = 'valid' | 'invalid' | { unsupported: string };

export async function verifySignature(
  alg: string,
  jwk: JsonWebKey,
  signingInput: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<SignatureOutcome> {
  if (alg.startsWith('HS'))
    return { unsupported: 'HMAC tokens can be checked only by a holder of the secret, never in a browser' };
  const p = params(alg);
  if (!p) return { unsupported: `${alg} is not a JWS algorithm this debugger knows` };
  // Only the public members: a JWKS never holds private ones, and WebCrypto must not see `alg`/`use`
  // mismatches as errors.
  const { kty, crv, x, y, n, e } = jwk;
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('jwk', { kty, crv, x, y, n, e, ext: true }, p.importAlg, false, [
      'verify',
    ]);
  } catch (err) {
    return { unsupported: `this browser cannot import the key (${(err as Error).name})` };
  }
  return (await crypto.subtle.verify(p.verifyAlg, key, signature, signingInput)) ? 'valid' : 'invalid';
}
