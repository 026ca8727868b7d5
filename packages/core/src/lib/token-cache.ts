// Cache of verified tokens, keyed by the full token string. A hit skips the signature and JSON work
// but never the time checks (exp, maxAge) nor the revocation callback, which the verifier runs on it.
// Eviction is CLOCK-style ("LRU-ish"): a hit only sets a flag (cheap on the hot path); when full,
// the oldest entries that were hit get a second chance at the back, the first one not hit goes.
import type { JwsHeader, JwtPayload, TesseraKey } from '../types.js';

export interface CachedToken {
  readonly result: { readonly header: JwsHeader; readonly payload: JwtPayload };
  /** Seconds: exp plus tolerance (Infinity without exp); maxAge is re-checked from the payload. */
  readonly expUntil: number;
  readonly key: TesseraKey;
  readonly kid: string;
  readonly jti: string | undefined;
  readonly sid: string | undefined;
  hit: boolean;
}

export interface TokenCacheControl {
  invalidateJti(jti: string): void;
  invalidateSid(sid: string): void;
  invalidateKid(kid: string): void;
  clear(): void;
  readonly size: number;
}

const SECOND_CHANCES = 8;

export class TokenCache implements TokenCacheControl {
  readonly #map = new Map<string, CachedToken>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get(token: string): CachedToken | undefined {
    const entry = this.#map.get(token);
    if (entry !== undefined) entry.hit = true;
    return entry;
  }

  set(token: string, entry: CachedToken): void {
    if (this.#map.size >= this.#max) this.#evictOne();
    this.#map.set(token, entry);
  }

  delete(token: string): void {
    this.#map.delete(token);
  }

  #evictOne(): void {
    for (let i = 0; i < SECOND_CHANCES; i++) {
      const first = this.#map.entries().next();
      if (first.done) return;
      const [token, entry] = first.value;
      this.#map.delete(token);
      if (!entry.hit) return;
      entry.hit = false;
      this.#map.set(token, entry);
    }
    const first = this.#map.keys().next();
    if (!first.done) this.#map.delete(first.value);
  }

  #deleteWhere(pred: (e: CachedToken) => boolean): void {
    for (const [token, entry] of this.#map) if (pred(entry)) this.#map.delete(token);
  }

  invalidateJti(jti: string): void {
    this.#deleteWhere((e) => e.jti === jti);
  }

  invalidateSid(sid: string): void {
    this.#deleteWhere((e) => e.sid === sid);
  }

  invalidateKid(kid: string): void {
    this.#deleteWhere((e) => e.kid === kid);
  }

  clear(): void {
    this.#map.clear();
  }

  get size(): number {
    return this.#map.size;
  }
}
