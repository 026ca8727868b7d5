// Password hashes brought in by `tessera users import` from another system: bcrypt ($2a$, $2b$,
// $2y$, via @node-rs/bcrypt on libuv's thread pool), argon2 of any parameters ($argon2id$, $argon2i$, via
// @node-rs/argon2) and Django's pbkdf2_sha256$ (node:crypto). They verify at login; then the
// password is hashed again with Tessera's argon2id parameters (needsRehash), so the legacy
// hash disappears at each user's first login. Users imported without a hash get UNUSABLE_PASSWORD.
import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { verify as bcryptVerify } from '@node-rs/bcrypt';

const pbkdf2Async = promisify(pbkdf2);

/** Stored for accounts that have no password yet (imported without a hash): nothing matches it. */
export const UNUSABLE_PASSWORD = '!unusable';

/** Work factors above these would let one login (or one imported line) pin a CPU for seconds. */
export const MAX_BCRYPT_COST = 16;
export const MAX_PBKDF2_ITERATIONS = 5_000_000;

export type HashScheme = 'argon2' | 'bcrypt' | 'pbkdf2_sha256';

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$argon2(id|i)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const PBKDF2 = /^pbkdf2_sha256\$(\d{1,8})\$([^$]{1,128})\$([A-Za-z0-9+/]{43}=)$/;

/** The scheme of a stored hash, or a reason it cannot be accepted. */
export function classifyHash(stored: string): { scheme: HashScheme } | { problem: string } {
  const b = BCRYPT.exec(stored);
  if (b) {
    const cost = Number(b[1]);
    if (cost < 4 || cost > MAX_BCRYPT_COST)
      return { problem: `bcrypt cost ${cost} is outside 4..${MAX_BCRYPT_COST}` };
    return { scheme: 'bcrypt' };
  }
  if (ARGON2.test(stored)) return { scheme: 'argon2' };
  const p = PBKDF2.exec(stored);
  if (p) {
    const iterations = Number(p[1]);
    if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
      return { problem: `pbkdf2 iterations ${iterations} outside 1..${MAX_PBKDF2_ITERATIONS}` };
    }
    return { scheme: 'pbkdf2_sha256' };
  }
  if (stored.startsWith('$argon2d$'))
    return { problem: 'argon2d hashes are not accepted (use argon2id or argon2i)' };
  if (stored.startsWith('$2')) return { problem: 'malformed bcrypt hash' };
  if (stored.startsWith('pbkdf2_')) return { problem: 'only pbkdf2_sha256 Django hashes are accepted' };
  return { problem: 'unrecognised hash format (bcrypt, argon2id/argon2i or pbkdf2_sha256 expected)' };
}

/**
 * Verifies a non-argon2 stored hash. Returns undefined when the hash is of no known scheme
 * (UNUSABLE_PASSWORD included), so the caller can spend the same time as a real check.
 */
export async function verifyLegacyHash(stored: string, password: string): Promise<boolean | undefined> {
  const kind = classifyHash(stored);
  if (!('scheme' in kind)) return undefined;
  // Off the event loop: a cost-10 check is about 80 ms of CPU, which pure-JS bcrypt spent on the
  // main thread (in slices), slowing every other request while imported users first sign in.
  if (kind.scheme === 'bcrypt') return bcryptVerify(password, stored);
  if (kind.scheme === 'pbkdf2_sha256') {
    const [, iterations, salt, expected] = PBKDF2.exec(stored) as unknown as [string, string, string, string];
    const want = Buffer.from(expected, 'base64');
    const got = await pbkdf2Async(password, salt, Number(iterations), want.length, 'sha256');
    return timingSafeEqual(got, want);
  }
  return undefined; // argon2 is verified by passwords.ts
}
