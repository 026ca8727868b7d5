// private_key_jwt client authentication (RFC 7523 section 2.2, OpenID Connect Core section 9): the
// client signs a short JWT with its own key; the server checks it against the client's registered
// JWKS (stored, or fetched from its JWKS URL), requires iss = sub = client_id, an `aud` naming this
// server, a near expiry, and refuses a `jti` it has already seen (replay).
import { ALGORITHMS, type Alg, createVerifier, decodeToken, importJwks, type KeySet } from '@tessera/core';
import type { Clock } from '../app-context.js';
import type { ClientRecord, ClientStore } from '../stores/types.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Asymmetric algorithms only: a client's public key can never be used as an HMAC secret. */
export const ASSERTION_ALGORITHMS: Alg[] = ALGORITHMS.filter((alg) => !alg.startsWith('HS'));

/** Longest accepted assertion lifetime (exp − now), seconds: bounds how long jtis are kept. */
const MAX_LIFETIME_SEC = 300;
const JWKS_CACHE_MS = 5 * 60_000;
const JWKS_REFETCH_COOLDOWN_MS = 30_000;
const JWKS_MAX_BYTES = 64 * 1024;

export class ClientAssertionError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ClientAssertionError';
  }
}

/** The client a (still unverified) assertion claims to come from: its `iss`. */
export function assertionClientId(assertion: string): string | undefined {
  try {
    const { payload } = decodeToken(assertion, { maxTokenLength: 8192 });
    return typeof payload.iss === 'string' && payload.iss.length <= 200 ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}

export interface ClientAssertionVerifier {
  /** Resolves when `assertion` authenticates `client`; rejects with ClientAssertionError. */
  verify(client: ClientRecord, assertion: string): Promise<void>;
}

export interface ClientAssertionOptions {
  clients: Pick<ClientStore, 'rememberAssertion'>;
  clock: Clock;
  /** Values the assertion's `aud` may name: the issuer and its OAuth endpoint URLs. */
  audiences: readonly string[];
  fetch?: typeof fetch;
}

export function createClientAssertionVerifier(opts: ClientAssertionOptions): ClientAssertionVerifier {
  const fetchJwks = opts.fetch ?? fetch;
  const remote = new Map<string, { keys: KeySet; fetchedAt: number }>();

  async function download(url: string): Promise<KeySet> {
    let res: Response;
    try {
      res = await fetchJwks(url, { signal: AbortSignal.timeout(3000), redirect: 'error' });
    } catch {
      throw new ClientAssertionError('the client JWKS URL cannot be fetched');
    }
    const text = await res.text();
    if (!res.ok || text.length > JWKS_MAX_BYTES)
      throw new ClientAssertionError('the client JWKS URL answered badly');
    return parseJwks(text);
  }

  async function keysOf(client: ClientRecord, kid: string | undefined): Promise<KeySet> {
    if (client.jwks) return parseJwks(client.jwks);
    if (!client.jwksUri) throw new ClientAssertionError('the client has no registered keys');
    const now = opts.clock.now();
    const cached = remote.get(client.jwksUri);
    const known = cached && (kid === undefined || cached.keys.get(kid) !== undefined);
    if (
      cached &&
      now - cached.fetchedAt < JWKS_CACHE_MS &&
      (known || now - cached.fetchedAt < JWKS_REFETCH_COOLDOWN_MS)
    ) {
      return cached.keys;
    }
    const keys = await download(client.jwksUri);
    remote.set(client.jwksUri, { keys, fetchedAt: now });
    return keys;
  }

  return {
    async verify(client, assertion) {
      let kid: string | undefined;
      try {
        const header = decodeToken(assertion).header;
        kid = typeof header.kid === 'string' ? header.kid : undefined;
      } catch {
        throw new ClientAssertionError('the client assertion is malformed');
      }
      const keys = await keysOf(client, kid);
      // A key without kid in a one-key set still verifies: core looks up by kid, so index it.
      const verify = createVerifier({
        keys: kid === undefined && keys.size === 1 ? keys.list() : keys,
        algorithms: ASSERTION_ALGORITHMS,
        issuer: client.id,
        audience: [...opts.audiences],
        requiredClaims: ['sub', 'jti'],
        clockTolerance: 30,
        now: () => opts.clock.now(),
      });
      let payload: Record<string, unknown>;
      try {
        payload = verify(assertion).payload;
      } catch (err) {
        throw new ClientAssertionError(
          `the client assertion is invalid (${(err as { code?: string }).code ?? 'error'})`,
        );
      }
      if (payload.sub !== client.id) throw new ClientAssertionError('the assertion sub is not the client id');
      const nowSec = opts.clock.now() / 1000;
      const exp = payload.exp as number;
      if (exp - nowSec > MAX_LIFETIME_SEC) {
        throw new ClientAssertionError(`the assertion lives longer than ${MAX_LIFETIME_SEC} s`);
      }
      const jti = payload.jti;
      if (typeof jti !== 'string' || jti.length === 0 || jti.length > 200) {
        throw new ClientAssertionError('the assertion jti is missing or too long');
      }
      const fresh = await opts.clients.rememberAssertion(client.id, jti, (exp + 60) * 1000, opts.clock.now());
      if (!fresh) throw new ClientAssertionError('the assertion jti was already used (replay)');
    },
  };
}

/** A JWKS as JSON text → a key set of asymmetric keys; throws ClientAssertionError when unusable. */
export function parseJwks(text: string): KeySet {
  let keys: KeySet;
  try {
    keys = importJwks(JSON.parse(text), { algorithms: ASSERTION_ALGORITHMS });
  } catch {
    throw new ClientAssertionError('the client JWKS is not a valid JWKS');
  }
  if (keys.size === 0) throw new ClientAssertionError('the client JWKS holds no usable public key');
  return keys;
}
