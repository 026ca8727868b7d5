// The import file of the `import` suite: N users as JSON lines, in a fixed mix of the hash schemes
// `tessera users import` accepts, as an export from another system would carry them.
//
// Real hashes cost 50-300 ms each (bcrypt cost 10, PBKDF2 600,000 iterations, argon2id 64 MiB):
// a million of them would take hours. So a few distinct passwords are hashed once per scheme and
// those hash strings are reused across the file (many users share a salt). The importer only
// checks each hash's format, and a login verifies one hash, so neither is faster for it.

import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { hash as argon2Hash } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

/** Share of each kind, per 20 lines (line index % 20). */
const KIND_BY_SLOT = [
  ...Array(9).fill('bcrypt'), // 45%: Auth0, Supabase, Rails, Laravel exports
  ...Array(4).fill('pbkdf2'), // 20%: Django
  ...Array(3).fill('argon2id'), // 15%: newer frameworks (the argon2 package's defaults)
  ...Array(4).fill('none'), // 20%: no password (social logins, never set)
];
export const LEGACY_KINDS = ['bcrypt', 'pbkdf2', 'argon2id'];
const PASSWORDS_PER_KIND = 4;

/** One hash string per (kind, password), computed once; the passwords are random per run. */
export async function makeHashSet() {
  const passwords = Array.from({ length: PASSWORDS_PER_KIND }, () => randomBytes(12).toString('base64url'));
  const hashes = { bcrypt: [], pbkdf2: [], argon2id: [] };
  for (const password of passwords) {
    hashes.bcrypt.push(bcrypt.hashSync(password, bcrypt.genSaltSync(10)).replace(/^\$2a\$/, '$2b$'));
    // Django's pbkdf2_sha256 hasher (600,000 iterations: Django 4.2's default), 22-character salt.
    const salt = randomBytes(16).toString('base64url').slice(0, 22);
    const derived = pbkdf2Sync(password, salt, 600_000, 32, 'sha256').toString('base64');
    hashes.pbkdf2.push(`pbkdf2_sha256$600000$${salt}$${derived}`);
    // The `argon2` npm package's defaults (m = 64 MiB, t = 3, p = 4): not Tessera's parameters,
    // so these are rehashed at first login like the others.
    hashes.argon2id.push(
      await argon2Hash(password, { algorithm: 2, memoryCost: 65536, timeCost: 3, parallelism: 4 }),
    );
  }
  return { passwords, hashes };
}

export const kindOf = (i) => KIND_BY_SLOT[i % KIND_BY_SLOT.length];
export const emailOf = (i) => `user${i}.${['ann', 'ben', 'cat', 'dan', 'eve'][i % 5]}@example${i % 7}.com`;
export const passwordOf = (set, i) => set.passwords[Math.floor(i / 20) % PASSWORDS_PER_KIND];

/** The JSON object of line `i` (0-based). */
function userLine(set, i) {
  const kind = kindOf(i);
  const user = {};
  // Two in three keep their old id (Auth0-style), the rest get a Tessera id.
  if (i % 3 !== 2) user.id = `auth0|${i.toString(16).padStart(24, '0')}`;
  // Some exports keep the address as typed; Tessera lower-cases it.
  user.email = i % 25 === 0 ? emailOf(i).replace(/^u/, 'U') : emailOf(i);
  if (kind !== 'none') user.password_hash = set.hashes[kind][Math.floor(i / 20) % PASSWORDS_PER_KIND];
  user.roles = i % 50 === 0 ? ['user', 'editor'] : ['user'];
  if (i % 10 !== 9) user.email_verified = true;
  if (i % 4 === 0) {
    user.claims = { plan: i % 8 === 0 ? 'pro' : 'free', tenant: `t_${i % 1000}`, locale: 'en-GB' };
  }
  return user;
}

/** Expected report counts for a file of `n` lines. */
export function expectedCounts(n) {
  let withClaims = 0;
  let withoutPassword = 0;
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) withClaims += 1;
    if (kindOf(i) === 'none') withoutPassword += 1;
  }
  return { withClaims, withoutPassword };
}

/** Writes `n` lines to `path`; returns its size in bytes. */
export async function writeUsersFile(path, n, set) {
  const out = createWriteStream(path);
  let bytes = 0;
  const chunk = 5000;
  for (let start = 0; start < n; start += chunk) {
    let text = '';
    for (let i = start; i < Math.min(n, start + chunk); i++) text += `${JSON.stringify(userLine(set, i))}\n`;
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

/** `m` line indices of `kind`, spread over the whole file (first, middle and last batches). */
export function sampleOf(kind, n, m) {
  const all = [];
  const slots = KIND_BY_SLOT.flatMap((k, s) => (k === kind ? [s] : []));
  const blocks = Math.floor(n / 20);
  const step = Math.max(1, Math.floor(blocks / Math.ceil(m / slots.length)));
  for (let b = 0; b < blocks && all.length < m; b += step) {
    for (const s of slots) if (all.length < m) all.push(b * 20 + s);
  }
  if (all.length < m) throw new Error(`--lines too small for ${m} ${kind} users`);
  return all;
}
