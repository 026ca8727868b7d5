// Sessions and refresh rotation: a login starts a session (one refresh family); every refresh spends
// the presented token through the store's atomic `consume` and issues its successor. A spent token
// presented again inside the reuse interval returns the same successor, only while that successor is
// unspent and only to the first caller's fingerprint (IP + User-Agent), audited as
// `refresh_grace_used`; anything else is reuse: the whole family is revoked, its access tokens are
// denied, and `refresh_reuse_detected` is audited.
import { randomBytes } from 'node:crypto';
import type { Clock, MetricsService } from '../app-context.js';
import type { AccessTokenIssuer } from '../claims/access-token-issuer.js';
import type { MfaStore, SessionAuth } from '../mfa/mfa-store.js';
import { DomainError } from '../services/domain-error.js';
import type { AuditLog, KeyService, RateLimits } from '../services/types.js';
import { describeDevice, truncateUserAgent } from '../sessions/device.js';
import type { SessionService } from '../sessions/session-service.js';
import type { SessionRecord, Stores, UserRecord } from '../stores/types.js';
import {
  generateRefreshToken,
  hashRefreshToken,
  isRefreshTokenShape,
  successorDeriver,
} from './refresh-token.js';

export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

export interface IssuedTokens {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken: string;
  /** Seconds until the refresh token expires (never past the session's absolute cap). */
  refreshExpiresIn: number;
  user: UserRecord;
  session: SessionRecord;
}

/** Per request: the RFC 8707 audience(s) of the access token (default TESSERA_AUDIENCE). */
export interface IssueOptions {
  audience?: string | string[] | undefined;
}

export interface RefreshService {
  /** `auth`: how the user signed in (RFC 8176 amr, auth_time); omitted for a password alone. */
  startSession(
    user: UserRecord,
    client: ClientInfo,
    auth?: SessionAuth,
    opts?: IssueOptions,
  ): Promise<IssuedTokens>;
  /** A fresh access token for a live session (after step-up changed its amr/auth_time). */
  accessTokenFor(user: UserRecord, session: SessionRecord, opts?: IssueOptions): Promise<string>;
  /**
   * Throws DomainError invalid_grant for unknown, expired, revoked or reused tokens, and
   * rate_limited past the per-IP refresh limit (nothing spent then).
   */
  rotate(refreshToken: string, client: ClientInfo, opts?: IssueOptions): Promise<IssuedTokens>;
  /** The session a refresh token belongs to, if the token is known (for logout by refresh token). */
  sessionOf(refreshToken: string): Promise<SessionRecord | undefined>;
  /**
   * The live session a refresh token proves, for logout, logout-all and RFC 7009 revoke. A spent
   * or expired token is never proof of identity: it is reuse (its family revoked, audited) and
   * throws invalid_grant, as do unknown tokens and revoked sessions.
   */
  liveSessionOf(refreshToken: string, client: ClientInfo, use: 'logout' | 'revoke'): Promise<SessionRecord>;
}

export interface RefreshServiceOptions {
  stores: Pick<Stores, 'users' | 'sessions' | 'refreshTokens'>;
  keys: Pick<KeyService, 'signAccessToken'>;
  /** Adds application claims (claims/); without it tokens carry sub, sid and roles only. */
  tokens?: AccessTokenIssuer;
  sessions: SessionService;
  audit: AuditLog;
  metrics?: Pick<MetricsService, 'tokenIssued' | 'refreshReuseDetected'>;
  clock: Clock;
  /** HMAC key for successor derivation (refresh-token.ts deriveSuccessorKey). */
  successorKey: Buffer;
  /** The per-IP refresh limit, taken on every rotate; without it refreshes are not limited. */
  limits?: Pick<RateLimits, 'refreshIp' | 'refreshIpInline'>;
  /** Where each session's amr/auth_time live (mfa/); without it tokens carry neither. */
  sessionAuth?: Pick<MfaStore, 'getSessionAuth' | 'setSessionAuth'>;
  /** Seconds. */
  accessTtl: number;
  refreshTtl: number;
  sessionMaxAge: number;
  reuseInterval: number;
}

const invalidGrant = (message?: string): DomainError =>
  new DomainError(message === undefined ? { code: 'invalid_grant' } : { code: 'invalid_grant', message });

export function createRefreshService(opts: RefreshServiceOptions): RefreshService {
  const { stores, keys, clock, audit } = opts;
  const deriveSuccessor = successorDeriver(opts.successorKey);

  // amr and auth_time (RFC 8176, OIDC) follow the session through every refresh. `auth`: null for a
  // new session signed in with a password alone (nothing to look up), undefined to read the store.
  async function baseClaims(
    user: UserRecord,
    sessionId: string,
    auth: SessionAuth | null | undefined,
  ): Promise<Record<string, unknown>> {
    const known = auth === undefined ? await opts.sessionAuth?.getSessionAuth(sessionId) : auth;
    const claims: Record<string, unknown> = { sub: user.id, sid: sessionId, roles: user.roles };
    if (known) {
      claims.amr = known.amr;
      claims.auth_time = Math.floor(known.authTime / 1000);
    }
    return claims;
  }

  // A claims hook can fail (503): with one, the access token is made before anything is stored or
  // spent, so a failing hook costs the caller nothing.
  async function accessTokenFor(
    user: UserRecord,
    session: Pick<SessionRecord, 'id'> & Partial<SessionRecord>,
    issueOpts: IssueOptions | undefined,
    auth?: SessionAuth | null,
  ): Promise<string> {
    const base = await baseClaims(user, session.id, auth);
    const audience = issueOpts?.audience;
    return opts.tokens
      ? opts.tokens.issueUserToken({ user, session: session as SessionRecord, base, audience })
      : keys.signAccessToken(base, audience === undefined ? {} : { audience });
  }

  /** With a claims hook: the access token for the family of `hash`, signed before the spend. */
  async function presign(hash: string, now: number, issueOpts: IssueOptions | undefined) {
    if (!opts.tokens?.hasHook) return undefined;
    const record = await stores.refreshTokens.get(hash);
    if (!record || record.spentAt !== null || record.expiresAt <= now) return undefined;
    const [session, user] = await Promise.all([
      stores.sessions.get(record.sessionId),
      stores.users.findById(record.userId),
    ]);
    if (!session || session.revokedAt !== null || session.expiresAt <= now) return undefined;
    if (!user || user.disabled) return undefined;
    return {
      userId: user.id,
      updatedAt: user.updatedAt,
      token: await accessTokenFor(user, session, issueOpts),
    };
  }

  function issue(
    accessToken: string,
    user: UserRecord,
    session: SessionRecord,
    refreshToken: string,
    refreshExpiresAt: number,
  ) {
    const now = clock.now();
    return {
      accessToken,
      expiresIn: opts.accessTtl,
      refreshToken,
      refreshExpiresIn: Math.max(0, Math.floor((refreshExpiresAt - now) / 1000)),
      user,
      session,
    };
  }

  async function onReuse(
    session: SessionRecord,
    client: ClientInfo,
    details: Record<string, unknown>,
  ): Promise<never> {
    await opts.sessions.revoke(session.id, 'reuse');
    await audit.record('refresh_reuse_detected', {
      sub: session.userId,
      sessionId: session.id,
      ip: client.ip,
      details,
    });
    opts.metrics?.refreshReuseDetected();
    throw invalidGrant('The refresh token was already used; the session has been revoked.');
  }

  return {
    async startSession(user, client, auth, issueOpts) {
      const now = clock.now();
      const sessionId = randomBytes(12).toString('base64url');
      const accessToken = await accessTokenFor(user, { id: sessionId }, issueOpts, auth ?? null);
      const session = await stores.sessions.create({
        id: sessionId,
        userId: user.id,
        device: describeDevice(client.userAgent),
        userAgent: truncateUserAgent(client.userAgent),
        ip: client.ip,
        createdAt: now,
        lastUsedAt: now,
        expiresAt: now + opts.sessionMaxAge * 1000,
      });
      // A password alone is recorded as nothing: the default token stays inside its size budget,
      // and a token without amr/auth_time proves no second factor and no recent authentication.
      if (auth) await opts.sessionAuth?.setSessionAuth(session.id, auth);
      const token = generateRefreshToken();
      const expiresAt = Math.min(now + opts.refreshTtl * 1000, session.expiresAt);
      await stores.refreshTokens.insert({
        hash: hashRefreshToken(token),
        sessionId: session.id,
        userId: user.id,
        createdAt: now,
        expiresAt,
      });
      opts.metrics?.tokenIssued('login');
      return issue(accessToken, user, session, token, expiresAt);
    },

    async rotate(presented, client, issueOpts) {
      const shaped = isRefreshTokenShape(presented);
      // The per-IP limit counts every refresh, a malformed token too. On PostgreSQL counters
      // without Redis the rotation's own statement takes it: one round trip instead of two. With a
      // claims hook the token is signed before the spend, so the limit is taken first, as elsewhere.
      const inline = shaped && !opts.tokens?.hasHook ? opts.limits?.refreshIpInline?.(client.ip) : undefined;
      if (opts.limits && !inline) {
        const limit = await opts.limits.refreshIp(client.ip);
        if (!limit.allowed) throw new DomainError({ code: 'rate_limited', limit });
      }
      if (!shaped) throw invalidGrant();
      const now = clock.now();
      const successor = deriveSuccessor(presented);
      const successorHash = hashRefreshToken(successor);
      // One transaction in the store: read token + session + user, and if all are live, spend the
      // token, insert the successor, touch the session and audit refresh_succeeded.
      const hash = hashRefreshToken(presented);
      const signed = await presign(hash, now, issueOpts);
      const result = await stores.refreshTokens.rotate({
        hash,
        now,
        successorHash,
        successorExpiresAt: now + opts.refreshTtl * 1000,
        ip: client.ip,
        userAgent: truncateUserAgent(client.userAgent),
        ...(inline ? { limit: inline.counter } : {}),
      });
      if (inline) {
        if (!result.counted) throw new Error('the refresh-token store did not take the rate-limit counter');
        const limit = inline.settle(result.counted);
        if (!limit.allowed) throw new DomainError({ code: 'rate_limited', limit });
      }
      // 'limited' comes only with an inline counter over its limit, refused just above.
      if (result.status === 'unknown' || result.status === 'limited') throw invalidGrant();
      const { token, session, user } = result;
      // amr/auth_time came with the joined read (none without second factors): no second query.
      const auth = opts.sessionAuth ? result.auth : null;
      if (result.status === 'rotated') {
        opts.metrics?.tokenIssued('refresh');
        const fresh =
          signed && signed.userId === user.id && signed.updatedAt === user.updatedAt
            ? signed.token
            : await accessTokenFor(user, session, issueOpts, auth);
        return issue(fresh, user, session, successor, result.successorExpiresAt ?? now);
      }

      // Not rotated: say why, in the order the rules are written.
      if (session.revokedAt !== null) throw invalidGrant();
      if (session.expiresAt <= now)
        throw invalidGrant('The session has reached its maximum age; sign in again.');
      if (user.disabled) throw invalidGrant();
      if (token.spentAt === null) throw invalidGrant(); // expired
      const spentMsAgo = now - token.spentAt;
      const inGrace = spentMsAgo <= opts.reuseInterval * 1000 && token.successorHash === successorHash;
      if (!inGrace) return onReuse(session, client, { spent_ms_ago: spentMsAgo });
      if (result.successorExpiresAt === null) throw invalidGrant(); // successor gone (family revoked)
      // The grace is for two tabs racing or a retried request of the SAME client, while the
      // successor it got is still unspent. The session was touched by the rotation that spent this
      // token (nothing else touches it while the successor is unspent): its IP and User-Agent are
      // the first caller's.
      const next = await stores.refreshTokens.get(successorHash);
      if (!next || next.spentAt !== null) {
        return onReuse(session, client, { spent_ms_ago: spentMsAgo, successor_spent: true });
      }
      const sameClient =
        session.lastUsedAt === token.spentAt &&
        session.ip === client.ip &&
        session.userAgent === truncateUserAgent(client.userAgent);
      if (!sameClient) {
        return onReuse(session, client, { spent_ms_ago: spentMsAgo, other_client: true });
      }
      await audit.record('refresh_grace_used', {
        sub: session.userId,
        sessionId: session.id,
        ip: client.ip,
        details: { spent_ms_ago: spentMsAgo },
      });
      opts.metrics?.tokenIssued('refresh');
      return issue(
        await accessTokenFor(user, session, issueOpts, auth),
        user,
        session,
        successor,
        result.successorExpiresAt,
      );
    },

    async accessTokenFor(user, session, issueOpts) {
      return accessTokenFor(user, session, issueOpts);
    },

    async sessionOf(presented) {
      if (!isRefreshTokenShape(presented)) return undefined;
      const record = await stores.refreshTokens.get(hashRefreshToken(presented));
      return record ? stores.sessions.get(record.sessionId) : undefined;
    },

    async liveSessionOf(presented, client, use) {
      if (!isRefreshTokenShape(presented)) throw invalidGrant();
      const record = await stores.refreshTokens.get(hashRefreshToken(presented));
      const session = record ? await stores.sessions.get(record.sessionId) : undefined;
      if (!record || !session || session.revokedAt !== null) throw invalidGrant();
      const now = clock.now();
      if (record.spentAt !== null) {
        return onReuse(session, client, { spent_ms_ago: now - record.spentAt, presented_to: use });
      }
      if (record.expiresAt <= now) return onReuse(session, client, { expired: true, presented_to: use });
      return session;
    },
  };
}
