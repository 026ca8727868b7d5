// Short random ids (jti, sid): 96 random bits as 16 base64url characters. Random bytes are drawn
// from the CSPRNG in batches, which keeps a syscall off the per-token path.
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 12;
const BATCH = 256;
const pool = Buffer.alloc(ID_BYTES * BATCH);
let offset = pool.length;

/** 96 bits from the CSPRNG, base64url (16 chars). Each byte of the pool is used once. */
export function randomId(): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  pool.fill(0, offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
