export { type CreateAnyKeyServiceOptions, createKeyService } from './create-key-service.js';
export { createHsKeyService, KeyRotationUnsupportedError } from './hs-key-service.js';
export { type CreateKeyServiceOptions, createStoredKeyService } from './key-service.js';
export {
  devMasterKeyPath,
  type LoadMasterKeyOptions,
  loadMasterKey,
  MASTER_KEY_MIN_BYTES,
  MasterKeyError,
  masterKeyId,
  parseMasterKey,
} from './master-key.js';
export {
  loadPreviousMasterKeys,
  masterKeysThatOpen,
  withPreviousMasterKeys,
} from './master-keyring.js';
export { type RevokedKey, revokeSigningKey } from './revoke-key.js';
export { RewrapError, type RewrapResult, rewrapKeys } from './rewrap.js';
export { DEFAULT_ROTATE_EVERY, type RotationPolicy, rotationPolicy } from './rotation-policy.js';
export { isSealedUnder, SealError, seal, unseal } from './sealing.js';
export { describeKey, newStoredKey } from './stored-keys.js';
export { CLOCK_TOLERANCE_SEC, type KeyServiceHooks } from './verifiers.js';
