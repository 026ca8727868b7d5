// Keyring: a pure state machine over key records, next -> active -> retiring
// -> retired. The server persists the records and applies the actions planRotation returns.
import { publicKeyOf } from '../jwk/import.js';
import type { KeySet, TesseraKey } from '../types.js';
import { createKeySet } from './key-set.js';

export type KeyState = 'next' | 'active' | 'retiring' | 'retired';

/** Times are ms since the epoch. */
export interface KeyRecord {
  key: TesseraKey;
  state: KeyState;
  createdAt: number;
  activatedAt?: number;
  retiringAt?: number;
  retiredAt?: number;
}

export interface Keyring {
  /** The active key (the most recently activated one if several); throws if none. */
  signingKey(): TesseraKey;
  /** next + active + retiring, public halves (HMAC keys as they are: they have no public half). */
  verificationKeys(): KeySet;
  /** next, active, retiring records: what the JWKS publishes. */
  published(): KeyRecord[];
  records(): KeyRecord[];
}

export interface RotationPolicy {
  /** Seconds an active key signs before the next one takes over. */
  rotateEvery: number;
  /** Seconds a `next` key is published before it may sign (verifiers' JWKS cache time). */
  publishAhead: number;
  /** Seconds a retiring key stays published (the longest token lifetime). */
  maxTokenTtl: number;
}

export type RotationAction =
  | { action: 'create-next' }
  | { action: 'activate'; kid: string }
  | { action: 'retire'; kid: string }
  | { action: 'drop'; kid: string };

const PUBLISHED: ReadonlySet<KeyState> = new Set(['next', 'active', 'retiring']);

export function createKeyring(records: KeyRecord[]): Keyring {
  if (!Array.isArray(records)) throw new TypeError('records must be an array of KeyRecord');
  const all = records.map((r, i) => checkRecord(r, `records[${i}]`));
  const published = all.filter((r) => PUBLISHED.has(r.state));
  const active = newestActive(all);
  const verification = createKeySet(
    published.map((r) => (r.key.kind === 'secret' ? r.key : publicKeyOf(r.key))),
  );
  return Object.freeze({
    signingKey(): TesseraKey {
      if (active === undefined) throw new Error('keyring has no active key');
      return active.key;
    },
    verificationKeys: () => verification,
    published: () => published.map((r) => ({ ...r })),
    records: () => all.map((r) => ({ ...r })),
  });
}

/**
 * What to do now, in order. Steady state: when the active key is `rotateEvery - publishAhead` old
 * a `next` is created; at `rotateEvery` (and once the next has been published `publishAhead`) it is
 * activated and the old active becomes retiring; a retiring key is dropped (-> retired)
 * `maxTokenTtl` after it stopped signing. With no active key at all (first start), an existing
 * `next` is activated at once, else one is created: apply the actions and plan again until empty.
 */
export function planRotation(records: KeyRecord[], now: number, policy: RotationPolicy): RotationAction[] {
  if (!Array.isArray(records)) throw new TypeError('records must be an array of KeyRecord');
  const rotateEvery = seconds(policy?.rotateEvery, 'policy.rotateEvery') * 1000;
  const publishAhead = seconds(policy?.publishAhead, 'policy.publishAhead') * 1000;
  const maxTokenTtl = seconds(policy?.maxTokenTtl, 'policy.maxTokenTtl') * 1000;
  const actions: RotationAction[] = [];
  const nexts = records.filter((r) => r.state === 'next').sort((a, b) => a.createdAt - b.createdAt);
  const actives = records.filter((r) => r.state === 'active');
  const active = newestActive(records);
  const next = nexts[0];

  if (active === undefined) {
    if (next === undefined) actions.push({ action: 'create-next' });
    else actions.push({ action: 'activate', kid: next.key.kid });
  } else {
    const activatedAt = active.activatedAt ?? active.createdAt;
    const due = activatedAt + rotateEvery;
    if (next === undefined) {
      if (now >= due - publishAhead) actions.push({ action: 'create-next' });
    } else if (now >= due && now >= next.createdAt + publishAhead) {
      actions.push({ action: 'activate', kid: next.key.kid });
      actions.push({ action: 'retire', kid: active.key.kid });
    }
  }
  // Stray extra actives (should not happen) stop signing too.
  for (const r of actives) if (r !== active) actions.push({ action: 'retire', kid: r.key.kid });
  for (const r of records) {
    if (r.state !== 'retiring') continue;
    const since = r.retiringAt ?? r.activatedAt ?? r.createdAt;
    if (now >= since + maxTokenTtl) actions.push({ action: 'drop', kid: r.key.kid });
  }
  return actions;
}

function newestActive(records: KeyRecord[]): KeyRecord | undefined {
  let best: KeyRecord | undefined;
  for (const r of records) {
    if (r.state !== 'active') continue;
    if (best === undefined || (r.activatedAt ?? r.createdAt) > (best.activatedAt ?? best.createdAt)) best = r;
  }
  return best;
}

function checkRecord(r: KeyRecord, path: string): KeyRecord {
  if (!r || typeof r !== 'object' || !r.key || typeof r.key.kid !== 'string') {
    throw new TypeError(`${path}.key must be a TesseraKey`);
  }
  if (!['next', 'active', 'retiring', 'retired'].includes(r.state)) {
    throw new TypeError(`${path}.state must be next, active, retiring or retired`);
  }
  if (!Number.isFinite(r.createdAt)) throw new TypeError(`${path}.createdAt must be a number (ms)`);
  return r;
}

function seconds(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${path} must be a number of seconds >= 0`);
  }
  return value;
}
