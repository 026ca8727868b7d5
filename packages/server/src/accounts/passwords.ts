// Password hashing with argon2id (OWASP: m=19 MiB, t=2, p=1). Unknown users are checked against a
// dummy hash with the same parameters, so "no such user" costs the same time as "wrong password".
import { hash, verify } from '@node-rs/argon2';
import { verifyLegacyHash } from './legacy-hashes.js';

export const ARGON2_PARAMS = Object.freeze({
  // 2 = Argon2id; the package's Algorithm is a const enum, which isolatedModules cannot inline.
  algorithm: 2,
  memoryCost: 19456, // KiB = 19 MiB
  timeCost: 2,
  parallelism: 1,
});

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

/** False on mismatch or on a malformed stored hash (never throws for bad input). */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  if (!stored.startsWith('$argon2')) {
    // Imported bcrypt/PBKDF2 hashes; anything else (an account without a password) costs the
    // same argon2id verification as a wrong password.
    return (await verifyLegacyHash(stored, password)) ?? verifyAgainstDummy(password);
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/** Spends one argon2id verification on a hash nobody's password matches; always resolves false. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hash('tessera-dummy-password-for-timing', ARGON2_PARAMS);
  await verifyPassword(await dummy, password);
  return false;
}

/** Computes the dummy hash ahead of the first login so that login is not slower than the rest. */
export async function warmUpDummyHash(): Promise<void> {
  dummy ??= hash('tessera-dummy-password-for-timing', ARGON2_PARAMS);
  await dummy;
}

const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;

/** True for any hash not made with the current argon2id parameters (imported or older ones). */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX);
}
