// One entry point for server.ts: asymmetric algorithms get the stored, rotating keyring; HS
// algorithms get the single shared secret.

import type { KeyService } from '../services/types.js';
import { createHsKeyService } from './hs-key-service.js';
import { type CreateKeyServiceOptions, createStoredKeyService } from './key-service.js';

export interface CreateAnyKeyServiceOptions extends CreateKeyServiceOptions {
  /** TESSERA_HS_SECRET, used only when `alg` is HS256/384/512. */
  hsSecret?: string | undefined;
}

export function createKeyService(opts: CreateAnyKeyServiceOptions): KeyService {
  if (opts.alg.startsWith('HS')) return createHsKeyService(opts);
  return createStoredKeyService(opts);
}
