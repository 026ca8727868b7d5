// KeyService on the stored keyring: signs with the active key, verifies against next + active +
// retiring keys (with the deny-list and a verified-token cache), rotates on a schedule under the
// store's rotation lock (many instances → one new key), and re-reads the store every few seconds
// so every instance signs with a new key shortly after any instance made it.
import {
  type Alg,
  createKeyring,
  exportJwks,
  type KeyRecord,
  planRotation,
  type TesseraKey,
} from '@tessera/core';
import { fail } from '../services/domain-error.js';
import type { AuditLog, KeyService } from '../services/types.js';
import type { KeyStore, StoredKey } from '../stores/types.js';
import { rotationPolicy } from './rotation-policy.js';
import { describeKey, newStoredKey, privateKeyOfRow, publicKeyOfRow, toKeyRecord } from './stored-keys.js';
import { type KeyServiceHooks, makeVerifiers, rotationListeners, type Verifiers } from './verifiers.js';

export interface CreateKeyServiceOptions extends KeyServiceHooks {
  keyStore: KeyStore;
  masterKey: Buffer;
  alg: Alg;
  issuer: string;
  audience: string;
  /** Access token lifetime, seconds. */
  accessTtl: number;
  /** Seconds between scheduled rotations (default 30 days). */
  rotateEvery?: number;
  /** Seconds a new key is published before it signs (default min(1 day, rotateEvery / 2)). */
  publishAhead?: number;
  /** How often the keyring is re-read from the store, ms (default 2000). */
  reloadInterval?: number;
  audit?: AuditLog;
}

/** Retired and revoked keys are out of the keyring: never published, never verifying, never signing. */
const inKeyring = (row: StoredKey): boolean => row.state !== 'retired' && row.state !== 'revoked';

export function createStoredKeyService(opts: CreateKeyServiceOptions): KeyService {
  const { keyStore, masterKey, alg } = opts;
  const clock = opts.clock ?? { now: () => Date.now() };
  const policy = rotationPolicy(opts);
  const publicKeys = new Map<string, TesseraKey>();
  let signingKey: TesseraKey | undefined;
  let signer: ((claims: Record<string, unknown>, o?: { ttl?: number }) => string) | undefined;
  let verifiers: Verifiers | undefined;
  let verifierKids = '';
  let fingerprint = '';
  let rows: StoredKey[] = [];
  let jwks: { keys: JsonWebKey[] } = { keys: [] };
  let timer: NodeJS.Timeout | undefined;
  let rotating: Promise<string> | undefined;
  let reloading: Promise<void> | undefined;
  const rotated = rotationListeners();

  function publicKey(row: StoredKey): TesseraKey {
    let key = publicKeys.get(row.kid);
    if (!key) {
      key = publicKeyOfRow(row);
      publicKeys.set(row.kid, key);
    }
    return key;
  }

  function records(list: StoredKey[]): KeyRecord[] {
    return list.map((row) => toKeyRecord(row, publicKey(row)));
  }

  /** Rebuilds signer and verifiers from rows; keeps the previous signer if no row is active. */
  function apply(list: StoredKey[]): void {
    rows = list;
    fingerprint = list.map((r) => `${r.kid}:${r.state}`).join(',');
    // Mid-rotation another instance may briefly show two active rows: the newest one signs.
    let active: StoredKey | undefined;
    for (const r of list) {
      if (r.state !== 'active') continue;
      if (!active || (r.activatedAt ?? r.createdAt) > (active.activatedAt ?? active.createdAt)) active = r;
    }
    if (active && active.kid !== signingKey?.kid) {
      signingKey = privateKeyOfRow(active, masterKey);
      signer = undefined;
    }
    const live = list.filter(inKeyring);
    const ring = createKeyring(
      live.map((r) => toKeyRecord(r, r.kid === signingKey?.kid ? signingKey : publicKey(r))),
    );
    const keys = ring.verificationKeys();
    const kids = keys
      .list()
      .map((k) => k.kid)
      .sort()
      .join(',');
    if (kids !== verifierKids || !verifiers) {
      // A new verifier also drops the verified-token cache, so a removed key stops verifying at once.
      verifiers = makeVerifiers(opts, keys);
      verifierKids = kids;
      jwks = exportJwks(ring.published().map((r) => r.key));
    }
    if (!signer && signingKey) signer = verifiers.signerFor(signingKey);
    for (const kid of publicKeys.keys()) if (!live.some((r) => r.kid === kid)) publicKeys.delete(kid);
  }

  async function readStore(): Promise<void> {
    const list = await keyStore.list();
    const next = list.map((r) => `${r.kid}:${r.state}`).join(',');
    if (next !== fingerprint || !verifiers) apply(list);
  }

  /** Applies the rotation plan (and creates the first key) while holding the rotation lock. */
  async function maintain(wait: boolean): Promise<void> {
    await keyStore.withRotationLock(
      async () => {
        const now = clock.now();
        let list = await keyStore.list();
        if (!list.some((r) => r.state === 'active')) {
          const next = list.find((r) => r.state === 'next');
          if (next) await keyStore.transition(next.kid, 'next', 'active', now);
          else {
            const row = newStoredKey(alg, masterKey, 'active', now);
            await keyStore.insert(row);
            await opts.audit?.record('key_created', { details: { kid: row.kid, alg, state: 'active' } });
          }
          list = await keyStore.list();
        }
        const live = list.filter(inKeyring);
        for (const action of planRotation(records(live), now, policy)) {
          await applyAction(action, list, now);
        }
      },
      { wait },
    );
  }

  async function applyAction(
    action: ReturnType<typeof planRotation>[number],
    list: StoredKey[],
    now: number,
  ) {
    if (action.action === 'create-next') {
      const row = newStoredKey(alg, masterKey, 'next', now);
      await keyStore.insert(row);
      await opts.audit?.record('key_created', { details: { kid: row.kid, alg, state: 'next' } });
      return;
    }
    const row = list.find((r) => r.kid === action.kid);
    if (!row) return;
    if (action.action === 'activate' && row.state === 'next') {
      if (await keyStore.transition(row.kid, 'next', 'active', now)) {
        await opts.audit?.record('key_rotated', { details: { kid: row.kid, reason: 'scheduled' } });
      }
    } else if (action.action === 'retire' && row.state === 'active') {
      await keyStore.transition(row.kid, 'active', 'retiring', now);
    } else if (action.action === 'drop' || (action.action === 'retire' && row.state === 'retiring')) {
      // Unpublished: kept as `retired` for the timeline; its sealed private key is never unsealed again.
      if (row.state === 'retiring') await keyStore.transition(row.kid, 'retiring', 'retired', now);
      else if (row.state === 'next') await keyStore.delete(row.kid);
    }
  }

  async function reload(): Promise<void> {
    reloading ??= (async () => {
      try {
        await readStore();
        const live = rows.filter(inKeyring);
        if (planRotation(records(live), clock.now(), policy).length > 0) {
          await maintain(false);
          await readStore();
        }
      } finally {
        reloading = undefined;
      }
    })();
    return reloading;
  }

  async function rotate(actor: string | null, replace: string | undefined): Promise<string> {
    // The key this request wants replaced: named by the caller, else the one this instance signs
    // with (read before any await, so a rotation finished elsewhere meanwhile still counts). If it
    // is no longer active under the lock, someone replaced it first and their key is the answer:
    // concurrent requests on any number of instances make one key.
    const before = replace ?? signingKey?.kid;
    const kid = await keyStore.withRotationLock(
      async () => {
        const list = await keyStore.list();
        const active = list.find((r) => r.state === 'active');
        if (active && active.kid !== before) return active.kid;
        const now = clock.now();
        if (active) await keyStore.transition(active.kid, 'active', 'retiring', now);
        const row = newStoredKey(alg, masterKey, 'active', now);
        await keyStore.insert(row);
        await opts.audit?.record('key_rotated', {
          actor,
          details: { kid: row.kid, previous: active?.kid ?? null, reason: 'manual' },
        });
        return row.kid;
      },
      { wait: true },
    );
    if (kid === undefined) throw new Error('rotation lock not acquired');
    await readStore();
    return kid;
  }

  async function revokeKey(kid: string, actor: string | null) {
    const outcome = await keyStore.withRotationLock(
      async () => {
        const list = await keyStore.list();
        const row = list.find((r) => r.kid === kid);
        if (!row) throw fail({ code: 'not_found', message: `no signing key ${kid}` });
        const active = list.find((r) => r.state === 'active' && r.kid !== kid);
        if (row.state === 'revoked') {
          return { kid, previousState: row.state, activeKid: active?.kid ?? '', alreadyRevoked: true };
        }
        const now = clock.now();
        let activeKid = active?.kid;
        if (row.state === 'active') {
          // A new key signs first, so there is never a moment without a signer.
          const fresh = newStoredKey(alg, masterKey, 'active', now);
          await keyStore.insert(fresh);
          await opts.audit?.record('key_created', { details: { kid: fresh.kid, alg, state: 'active' } });
          activeKid = fresh.kid;
        }
        if (!(await keyStore.transition(kid, row.state, 'revoked', now))) {
          throw new Error(`key ${kid} changed state while being revoked; retry`);
        }
        await opts.audit?.record('key_revoked', {
          actor,
          details: { kid, previous_state: row.state, active_kid: activeKid ?? null },
        });
        return { kid, previousState: row.state, activeKid: activeKid ?? '', alreadyRevoked: false };
      },
      { wait: true },
    );
    if (outcome === undefined) throw new Error('rotation lock not acquired');
    // This instance drops the key from its JWKS and verifiers now (a new verifier, no cache).
    await readStore();
    // Other instances re-read their keyring at once (the fan-out listens to rotations).
    if (!outcome.alreadyRevoked) rotated.emit(outcome.activeKid);
    return outcome;
  }

  return {
    algorithm: alg,
    async start() {
      await readStore();
      if (!rows.some((r) => r.state === 'active')) await maintain(true);
      await reload();
      if (!signer) throw new Error('key service: no active signing key after start-up');
      timer = setInterval(() => {
        reload().catch((err) => opts.logger?.warn({ err }, 'keyring reload failed; will retry'));
      }, opts.reloadInterval ?? 2000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await reloading?.catch(() => undefined);
      await rotating?.catch(() => undefined);
    },
    signAccessToken(claims, o) {
      if (!signer) throw new Error('key service not started');
      return signer(
        { ...claims, aud: o?.audience ?? claims.aud ?? opts.audience },
        o?.ttl === undefined ? undefined : { ttl: Math.min(o.ttl, opts.accessTtl) },
      );
    },
    verifyAccessToken(token, o) {
      if (!verifiers) throw new Error('key service not started');
      return verifiers.verify(token, o);
    },
    jwks: () => jwks,
    jwksMaxAge: () => policy.jwksMaxAge,
    rotateNow(actor, o) {
      // Concurrent calls in this process share one rotation; across instances the lock and the
      // "is the key I wanted replaced still active?" check make the same guarantee.
      if (!rotating) {
        rotating = rotate(actor, o?.replace).finally(() => {
          rotating = undefined;
        });
        // Listeners (the fan-out) hear of each rotation this instance made, once.
        rotating.then(rotated.emit, () => undefined);
      }
      return rotating;
    },
    revokeKey,
    reload,
    async list() {
      return (await keyStore.list()).map(describeKey);
    },
    activeKid: () => signingKey?.kid,
    keyAgeSeconds() {
      const active = rows.find((r) => r.kid === signingKey?.kid);
      const since = active?.activatedAt ?? active?.createdAt;
      return since === undefined ? 0 : Math.max(0, (clock.now() - since) / 1000);
    },
    policy: () => policy,
    onRotated: rotated.add,
  };
}
