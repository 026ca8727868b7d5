// The in-memory deny-list: three maps, O(1) lookups on every verification, pruned as entries
// expire (an entry stops mattering once every token it covers has expired).
import type { JwtPayload } from '@tessera/core';
import type { RevocationRecord } from '../stores/types.js';

export class DenyList {
  private readonly jti = new Map<string, number>();
  private readonly sid = new Map<string, number>();
  // sub → tokens with iat below iatBefore are revoked; repeated entries merge (max of both).
  private readonly sub = new Map<string, { iatBefore: number; exp: number }>();

  get size(): number {
    return this.jti.size + this.sid.size + this.sub.size;
  }

  add(entry: Pick<RevocationRecord, 'type' | 'value' | 'iatBefore' | 'exp'>): void {
    if (entry.type === 'jti') this.jti.set(entry.value, Math.max(entry.exp, this.jti.get(entry.value) ?? 0));
    else if (entry.type === 'sid')
      this.sid.set(entry.value, Math.max(entry.exp, this.sid.get(entry.value) ?? 0));
    else {
      const prev = this.sub.get(entry.value);
      const iatBefore = entry.iatBefore ?? entry.exp;
      this.sub.set(entry.value, {
        iatBefore: Math.max(iatBefore, prev?.iatBefore ?? 0),
        exp: Math.max(entry.exp, prev?.exp ?? 0),
      });
    }
  }

  isRevoked(payload: JwtPayload): boolean {
    const p = payload as { jti?: unknown; sid?: unknown; sub?: unknown; iat?: unknown };
    if (typeof p.jti === 'string' && this.jti.has(p.jti)) return true;
    if (typeof p.sid === 'string' && this.sid.has(p.sid)) return true;
    if (typeof p.sub === 'string' && this.sub.size > 0) {
      const entry = this.sub.get(p.sub);
      // A token without iat cannot prove it was issued after the cut-off.
      if (entry && (typeof p.iat !== 'number' || p.iat < entry.iatBefore)) return true;
    }
    return false;
  }

  /** Drops entries whose tokens have all expired; returns how many. */
  prune(nowSec: number): number {
    let n = 0;
    for (const map of [this.jti, this.sid]) {
      for (const [k, exp] of map) {
        if (exp < nowSec) {
          map.delete(k);
          n++;
        }
      }
    }
    for (const [k, e] of this.sub) {
      if (e.exp < nowSec) {
        this.sub.delete(k);
        n++;
      }
    }
    return n;
  }
}
