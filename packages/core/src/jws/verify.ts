// The JWS side of verification: header segment -> validated header + resolved key + prepared
// signature check, cached per exact header segment (every token of one key shares the segment).
import { JoseAlgNotAllowed, JwksNoMatchingKey } from '../errors.js';
import { assertUsableKey } from '../jwk/key-material.js';
import type { Alg } from '../lib/algorithms.js';
import { BoundedMap } from '../lib/bounded-map.js';
import type { JwsHeader, KeySet, TesseraKey } from '../types.js';
import { parseHeaderSegment } from './compact.js';
import { checkHeader } from './header.js';
import { prepareVerify, type VerifyFn } from './primitive.js';

export interface HeaderEntry {
  readonly header: JwsHeader;
  readonly key: TesseraKey;
  readonly verify: VerifyFn;
}

/** Distinct header segments kept per verifier; more distinct headers than this just churn. */
const HEADER_CACHE_MAX = 64;

// Prepared primitives per key, shared by every verifier (keys are immutable).
const prepared = new WeakMap<TesseraKey, VerifyFn>();

export function verifierFor(key: TesseraKey): VerifyFn {
  let fn = prepared.get(key);
  if (fn === undefined) {
    assertUsableKey(key, 'key');
    const keyObject = key.kind === 'private' ? (key.publicKey ?? key.keyObject) : key.keyObject;
    fn = prepareVerify(key.alg, keyObject);
    prepared.set(key, fn);
  }
  return fn;
}

export class JwsHeaderResolver {
  readonly #cache = new BoundedMap<string, HeaderEntry>(HEADER_CACHE_MAX);
  readonly #keys: KeySet;
  readonly #mutable: boolean;
  readonly #allowed: ReadonlySet<Alg>;
  readonly #typ: string | undefined;

  constructor(keys: KeySet, mutable: boolean, allowed: ReadonlySet<Alg>, typ: string | undefined) {
    this.#keys = keys;
    this.#mutable = mutable;
    this.#allowed = allowed;
    this.#typ = typ;
  }

  /** Throws the header/alg/key error, or returns the cached entry for this header segment. */
  resolve(segment: string): HeaderEntry {
    const entry = this.#cache.get(segment);
    // A caller-supplied KeySet may change: make sure the cached key is still the one it holds.
    if (entry !== undefined && (!this.#mutable || this.#stillCurrent(entry))) return entry;
    const header = checkHeader(parseHeaderSegment(segment), this.#allowed, this.#typ);
    const key = this.#findKey(header);
    const fresh: HeaderEntry = { header: Object.freeze(header) as JwsHeader, key, verify: verifierFor(key) };
    this.#cache.set(segment, fresh);
    return fresh;
  }

  /** True while `key` is still in the key set (for the token cache and mutable sets). */
  holds(key: TesseraKey): boolean {
    return !this.#mutable || this.#keys.get(key.kid) === key;
  }

  get mutable(): boolean {
    return this.#mutable;
  }

  clear(): void {
    this.#cache.clear();
  }

  #stillCurrent(entry: HeaderEntry): boolean {
    return entry.header.kid === undefined
      ? this.#findKey(entry.header) === entry.key
      : this.#keys.get(entry.header.kid) === entry.key;
  }

  /** `kid` is only a map lookup; without one, the single key bound to the header's alg. */
  #findKey(header: JwsHeader): TesseraKey {
    if (header.kid !== undefined) {
      const key = this.#keys.get(header.kid);
      if (key === undefined) throw new JwksNoMatchingKey();
      if (key.alg !== header.alg) throw new JoseAlgNotAllowed('algorithm not allowed for this key');
      return key;
    }
    let found: TesseraKey | undefined;
    for (const key of this.#keys.list()) {
      if (key.alg !== header.alg) continue;
      if (found !== undefined) throw new JwksNoMatchingKey('token has no kid and several keys match');
      found = key;
    }
    if (found === undefined) throw new JwksNoMatchingKey();
    return found;
  }
}
