// `tessera keys rewrap`: re-seals every stored private key under the current master key (and in the
// current envelope format). Servers keep running throughout: each row is replaced by compare-and-set,
// a key sealed either way opens on every instance that holds both master keys, and a row that
// changed meanwhile (a rotation, another rewrap) is read again.
import type { KeyStore } from '../stores/types.js';
import { masterKeyId } from './master-key.js';
import { isSealedUnder, SealError, seal, unseal } from './sealing.js';

export interface RewrapResult {
  /** Short public id of the master key everything is now sealed under. */
  masterKeyId: string;
  rewrapped: string[];
  unchanged: string[];
}

export class RewrapError extends Error {
  constructor(
    message: string,
    readonly kids: string[],
  ) {
    super(message);
    this.name = 'RewrapError';
  }
}

const MAX_PASSES = 5;

export async function rewrapKeys(store: KeyStore, masterKey: Buffer): Promise<RewrapResult> {
  const rewrapped = new Set<string>();
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const rows = await store.list();
    const pending = rows.filter((row) => !isSealedUnder(row.privateKeyEnc, masterKey));
    if (pending.length === 0) {
      return {
        masterKeyId: masterKeyId(masterKey),
        rewrapped: [...rewrapped],
        unchanged: rows.map((r) => r.kid).filter((kid) => !rewrapped.has(kid)),
      };
    }
    const unreadable: string[] = [];
    for (const row of pending) {
      let plaintext: string;
      try {
        plaintext = unseal(row.privateKeyEnc, masterKey, row.kid);
      } catch (err) {
        if (err instanceof SealError) {
          unreadable.push(row.kid);
          continue;
        }
        throw err;
      }
      if (await store.replaceSealed(row.kid, row.privateKeyEnc, seal(plaintext, masterKey, row.kid))) {
        rewrapped.add(row.kid);
      }
    }
    if (unreadable.length > 0) {
      throw new RewrapError(
        `cannot open ${unreadable.length} stored key(s) (${unreadable.join(', ')}) with TESSERA_MASTER_KEY or TESSERA_MASTER_KEY_PREVIOUS; set the master key they were sealed under as TESSERA_MASTER_KEY_PREVIOUS`,
        unreadable,
      );
    }
  }
  throw new RewrapError('stored keys kept changing during the rewrap; run it again', []);
}
