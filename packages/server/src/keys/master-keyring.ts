// The master keys a server holds: the current one (seals, and opens) and, during a master-key switch,
// previous ones that may still open keys sealed under them but never seal (TESSERA_MASTER_KEY_PREVIOUS
// or TESSERA_MASTER_KEY_PREVIOUS_FILE). `tessera keys rewrap` re-seals every stored key under the
// current key; after it, the previous keys can be removed. The previous keys travel with the current
// key's Buffer (a WeakMap, not a new type), so the key service and its callers stay unchanged.
import { hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MasterKeyError, parseMasterKey } from './master-key.js';

const PREVIOUS = new WeakMap<Buffer, readonly Buffer[]>();

/** Attaches the keys that may still open sealed keys (never seal) to the current master key. */
export function withPreviousMasterKeys(current: Buffer, previous: readonly Buffer[]): Buffer {
  PREVIOUS.set(current, Object.freeze([...previous]));
  return current;
}

/** The current master key first, then the previous ones. */
export function masterKeysThatOpen(current: Buffer): readonly Buffer[] {
  return [current, ...(PREVIOUS.get(current) ?? [])];
}

/**
 * Parses TESSERA_MASTER_KEY_PREVIOUS (one key, or several separated by commas) and/or the file named
 * by TESSERA_MASTER_KEY_PREVIOUS_FILE (one key per line). Errors name the variable, never the value.
 */
export function loadPreviousMasterKeys(opts: {
  value?: string | undefined;
  file?: string | undefined;
  cwd?: string;
}): Buffer[] {
  const keys: Buffer[] = [];
  const parse = (text: string, variable: string) => {
    for (const part of text.split(/[,\n]/)) {
      if (part.trim() === '') continue;
      try {
        keys.push(parseMasterKey(part));
      } catch (err) {
        const reason = (err as Error).message.replace(/^TESSERA_MASTER_KEY\s*/, '');
        throw new MasterKeyError(`${variable} ${reason}`);
      }
    }
  };
  if (opts.value !== undefined) parse(opts.value, 'TESSERA_MASTER_KEY_PREVIOUS');
  if (opts.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(opts.cwd ?? process.cwd(), opts.file), 'utf8');
    } catch (err) {
      throw new MasterKeyError(
        `TESSERA_MASTER_KEY_PREVIOUS_FILE cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    parse(text, 'TESSERA_MASTER_KEY_PREVIOUS_FILE');
  }
  return keys;
}

/**
 * Purpose-bound subkeys (HKDF-SHA-256 with distinct info labels): the raw master key is never used
 * directly as a cipher or MAC key, so no two uses share key material. The refresh-successor key
 * (refresh/refresh-token.ts, info "tessera refresh successor v1") follows the same scheme.
 */
export function deriveMasterSubkey(masterKey: Buffer, info: 'tessera key sealing v2'): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
}
