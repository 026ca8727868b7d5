// generateKey: a fresh private key (or HMAC secret) bound to one algorithm. The default kid is the
// first 16 characters of the thumbprint, to keep tokens small (the 420-byte size budget).
import {
  createPrivateKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { ALG_INFO, type Alg, assertAlg } from '../lib/algorithms.js';
import { optionalString } from '../lib/options.js';
import type { TesseraKey } from '../types.js';
import { defaultKid, makeKey } from './import.js';

export interface GenerateKeyOptions {
  kid?: string;
  /** RSA modulus size, default 2048 (minimum 2048). */
  modulusLength?: number;
}

export function generateKey(alg: Alg, opts: GenerateKeyOptions = {}): TesseraKey {
  const a = assertAlg(alg, 'alg');
  const kid = optionalString(opts.kid, 'opts.kid');
  const info = ALG_INFO[a];
  let keyObject: KeyObject;
  if (info.family === 'HS') {
    keyObject = createSecretKey(randomBytes(info.hashBytes));
  } else if (info.family === 'RS' || info.family === 'PS') {
    const modulusLength = opts.modulusLength ?? 2048;
    if (!Number.isSafeInteger(modulusLength) || modulusLength < 2048) {
      throw new TypeError('opts.modulusLength must be an integer >= 2048');
    }
    keyObject = generateKeyPairSync('rsa', { modulusLength }).privateKey;
  } else if (info.family === 'ES') {
    keyObject = generateKeyPairSync('ec', { namedCurve: info.crv! }).privateKey;
  } else {
    keyObject = generateKeyPairSync('ed25519').privateKey;
  }
  if (info.family !== 'HS') keyObject = detachFromKeyGenJob(keyObject);
  return makeKey(kid ?? defaultKid(keyObject, a).slice(0, 16), a, keyObject);
}

/**
 * Node 20 can deadlock exporting a freshly generated key as JWK: the export holds the key's mutex,
 * an allocation inside it runs the GC, and the GC destroys the (still uncollected) key-generation
 * job, whose destructor takes the same mutex (seen as a test hung in futex_wait under `node --test`).
 * A copy made from DER shares nothing with the job.
 */
function detachFromKeyGenJob(key: KeyObject): KeyObject {
  return createPrivateKey({
    key: key.export({ format: 'der', type: 'pkcs8' }),
    format: 'der',
    type: 'pkcs8',
  });
}
