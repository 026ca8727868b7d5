// What a request handler sees after authentication (`req.auth`, `request.auth`, `c.get('auth')`).
// Always the same object shape, so frameworks that care about hidden classes (Fastify) stay fast.
import type { JwsHeader, JwtPayload } from '@tessera/core';

export interface AuthInfo {
  /** The subject (`sub`): the user's id, or the client id of a service token. */
  sub: string;
  /** The session id (`sid`), absent on service-to-service tokens. */
  sid: string | undefined;
  jti: string | undefined;
  roles: string[];
  /** From the space-separated `scope` claim (RFC 9068), or a `scp` array. */
  scopes: string[];
  /** Unix seconds. */
  exp: number | undefined;
  /**
   * Who acts for the user when the token came from token exchange (RFC 8693 `act`): `{sub}` of
   * the acting client, nested (`act.act`) along a chain of services; undefined for direct tokens.
   */
  act: Actor | undefined;
  claims: JwtPayload;
  header: JwsHeader;
}

export interface Actor {
  sub: string;
  act?: Actor;
}

function actorOf(value: unknown): Actor | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const sub = (value as { sub?: unknown }).sub;
  if (typeof sub !== 'string') return undefined;
  const inner = actorOf((value as { act?: unknown }).act);
  return inner ? { sub, act: inner } : { sub };
}

export function toAuthInfo(header: JwsHeader, payload: JwtPayload): AuthInfo {
  return {
    sub: typeof payload.sub === 'string' ? payload.sub : '',
    sid: typeof payload.sid === 'string' ? payload.sid : undefined,
    jti: typeof payload.jti === 'string' ? payload.jti : undefined,
    roles: stringList(payload.roles),
    scopes: payload.scope !== undefined ? stringList(payload.scope) : stringList(payload.scp),
    exp: typeof payload.exp === 'number' ? payload.exp : undefined,
    act: payload.act === undefined ? undefined : actorOf(payload.act),
    claims: payload,
    header,
  };
}

// One AuthInfo per cached verification: the verified-token cache returns the same frozen result
// for the same token, so its AuthInfo is built once and shared, frozen like the claims it comes
// from (a handler cannot change what the next request with that token sees). Results that are not
// frozen (no cache) get a fresh AuthInfo each time.
const sharedAuthInfo = new WeakMap<object, AuthInfo>();

/** The AuthInfo of a verification result; built once per cached result. */
export function authInfoOf(result: { header: JwsHeader; payload: JwtPayload }): AuthInfo {
  if (!Object.isFrozen(result)) return toAuthInfo(result.header, result.payload);
  let auth = sharedAuthInfo.get(result);
  if (auth === undefined) {
    auth = toAuthInfo(result.header, result.payload);
    Object.freeze(auth.roles);
    Object.freeze(auth.scopes);
    for (let a = auth.act; a !== undefined; a = a.act) Object.freeze(a);
    Object.freeze(auth);
    sharedAuthInfo.set(result, auth);
  }
  return auth;
}

/** A claim holding names: an array of strings, or one space-separated string. */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((s) => s.length > 0);
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  return [];
}

/** True when `have` contains every name in `need` (an empty `need` is always satisfied). */
export function hasAll(have: readonly string[], need: readonly string[] | undefined): boolean {
  if (!need || need.length === 0) return true;
  for (const name of need) if (!have.includes(name)) return false;
  return true;
}
