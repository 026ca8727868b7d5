// Conversions between the rows of KeyStore (public JWK + sealed private JWK) and core's
// KeyRecord. Private material is unsealed only for the key that signs, and only once per kid.
import {
  type Alg,
  exportJwk,
  exportPrivateJwk,
  generateKey,
  importKey,
  type JsonWebKey,
  type KeyRecord,
  type TesseraKey,
} from '@tessera/core';
import type { KeyStateName, StoredKey } from '../stores/types.js';
import { seal, unseal } from './sealing.js';

/** A fresh key as a row to insert: public JWK in clear, private JWK sealed under the master key. */
export function newStoredKey(alg: Alg, masterKey: Buffer, state: KeyStateName, at: number): StoredKey {
  const key = generateKey(alg);
  return {
    kid: key.kid,
    alg,
    state,
    publicJwk: JSON.stringify(exportJwk(key)),
    privateKeyEnc: seal(JSON.stringify(exportPrivateJwk(key)), masterKey, key.kid),
    createdAt: at,
    activatedAt: state === 'active' ? at : null,
    retiringAt: null,
    retiredAt: null,
  };
}

export function publicKeyOfRow(row: StoredKey): TesseraKey {
  return importKey(JSON.parse(row.publicJwk) as JsonWebKey, { alg: row.alg as Alg, kid: row.kid });
}

export function privateKeyOfRow(row: StoredKey, masterKey: Buffer): TesseraKey {
  const jwk = JSON.parse(unseal(row.privateKeyEnc, masterKey, row.kid)) as JsonWebKey;
  return importKey(jwk, { alg: row.alg as Alg, kid: row.kid });
}

/** core's KeyRecord for a row; `key` is the private key when given (the signer), else public. */
export function toKeyRecord(row: StoredKey, key: TesseraKey): KeyRecord {
  // core knows no `revoked`: for the keyring it is a key that is no longer published (retired).
  const state = row.state === 'revoked' ? 'retired' : row.state;
  const record: KeyRecord = { key, state, createdAt: row.createdAt };
  if (row.activatedAt !== null) record.activatedAt = row.activatedAt;
  if (row.retiringAt !== null) record.retiringAt = row.retiringAt;
  if (row.retiredAt !== null) record.retiredAt = row.retiredAt;
  return record;
}

/** The admin/CLI view of a key: never any private material. */
export function describeKey(row: StoredKey) {
  return {
    kid: row.kid,
    alg: row.alg,
    state: row.state,
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    retiringAt: row.retiringAt,
    retiredAt: row.retiredAt,
  };
}
