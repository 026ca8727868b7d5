// The master key encrypts private signing keys at rest (keys/sealing.ts). Production must be given
// one; development gets a generated key file so `tessera serve` works with zero configuration.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const MASTER_KEY_MIN_BYTES = 32;

export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

interface WarnLogger {
  warn(obj: unknown, msg?: string): void;
}

/**
 * Decodes TESSERA_MASTER_KEY: hex, base64 or base64url of at least 32 bytes. Throws
 * MasterKeyError with a message that says what to set; never echoes the value.
 */
export function parseMasterKey(value: string): Buffer {
  const text = value.trim();
  let bytes: Buffer;
  if (/^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 && text.length >= MASTER_KEY_MIN_BYTES * 2) {
    bytes = Buffer.from(text, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  } else {
    throw new MasterKeyError(
      'TESSERA_MASTER_KEY must be hex, base64 or base64url; generate one with `tessera secret generate`',
    );
  }
  if (bytes.length < MASTER_KEY_MIN_BYTES) {
    throw new MasterKeyError(
      `TESSERA_MASTER_KEY decodes to ${bytes.length} bytes; it must hold at least ${MASTER_KEY_MIN_BYTES} random bytes`,
    );
  }
  if (isWeak(bytes)) {
    throw new MasterKeyError('TESSERA_MASTER_KEY is not random (repeated bytes); generate a random one');
  }
  return bytes;
}

// 32 random bytes have ~30 distinct values; fewer than 8 means a pattern such as "aaaa..." or zeros.
function isWeak(bytes: Buffer): boolean {
  return new Set(bytes).size < 8;
}

/**
 * Where the development key file lives: `master.key` in the SQLite file's directory (so the default
 * `./.tessera/tessera.db` keeps it at `./.tessera/master.key`); `./.tessera/master.key` otherwise.
 */
export function devMasterKeyPath(databaseUrl: string, cwd = process.cwd()): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return join(cwd, '.tessera', 'master.key');
  const path = databaseUrl.slice('sqlite:'.length);
  if (path === ':memory:' || path === '') return undefined;
  return join(dirname(resolve(cwd, path)), 'master.key');
}

export interface LoadMasterKeyOptions {
  /** TESSERA_MASTER_KEY, if set. */
  value?: string | undefined;
  production: boolean;
  /** Used to place the development key file; `sqlite::memory:` gets a key that lives in memory. */
  databaseUrl: string;
  /** Explicit development key file (TESSERA_MASTER_KEY_FILE); default: next to the SQLite file. */
  file?: string | undefined;
  logger?: WarnLogger;
  cwd?: string;
}

/** Returns the master key bytes. Production without TESSERA_MASTER_KEY throws; it never falls back. */
export function loadMasterKey(opts: LoadMasterKeyOptions): Buffer {
  if (opts.value !== undefined && opts.value.trim() !== '') return parseMasterKey(opts.value);
  if (opts.production) {
    throw new MasterKeyError(
      'TESSERA_MASTER_KEY is required in production: set it to 32 random bytes in base64 (`tessera secret generate`)',
    );
  }
  const path = opts.file
    ? resolve(opts.cwd ?? process.cwd(), opts.file)
    : devMasterKeyPath(opts.databaseUrl, opts.cwd);
  if (path === undefined) {
    opts.logger?.warn({}, 'no TESSERA_MASTER_KEY: using an ephemeral master key for the in-memory database');
    return randomBytes(MASTER_KEY_MIN_BYTES);
  }
  return readOrCreateKeyFile(path, opts.logger);
}

function readOrCreateKeyFile(path: string, logger?: WarnLogger): Buffer {
  try {
    return parseMasterKey(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    // 'wx': when two instances start at once, exactly one creates the file; the other reads it.
    writeFileSync(path, `${randomBytes(MASTER_KEY_MIN_BYTES).toString('base64url')}\n`, {
      flag: 'wx',
      mode: 0o600,
    });
    chmodSync(path, 0o600);
    logger?.warn(
      { path },
      'no TESSERA_MASTER_KEY: generated a development master key file; set TESSERA_MASTER_KEY in production',
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseMasterKey(readFileSync(path, 'utf8'));
}

/** Short public fingerprint of a master key, stored in envelopes to tell "wrong key" from "tampered". */
export function masterKeyId(masterKey: Buffer): string {
  return createHash('sha256')
    .update('tessera-master-key-id\0')
    .update(masterKey)
    .digest('base64url')
    .slice(0, 8);
}
