// Sessions and refresh rotation: a login starts a session (one refresh family); every refresh spends
// the presented token through the store's atomic `consume` and issues its successor. A spent token
// presented again inside the reuse interval returns the same successor; outside it, it is reuse: the
// whole family is revoked, its access tokens are denied, and `refresh_reuse_detected` is audited.
import { randomBytes } from 'node:crypto';
import type { Clock, MetricsService } from '../app-context.js';
import type { AccessTokenIssuer } from '../claims/access-token-issuer.js';
import { ApiError } from '../errors.js';
import type { AuditLog, KeyService } from '../services/types.js';
import { describeDevice, truncateUserAgent } from '../sessions/device.js';
import type { SessionService } from '../sessions/session-service.js';
import type { SessionRecord, Stores, UserRecord } from '../stores/types.js';
import {
  deriveSuccessor,
  generateRefreshToken,
  hashRefreshToken,
  isRefreshTokenShape,
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
  startSession(user: UserRecord, client: ClientInfo, opts?: IssueOptions): Promise<IssuedTokens>;
  /** Throws ApiError('invalid_grant') for unknown, expired, revoked or reused tokens. */
  rotate(refreshToken: string, client: ClientInfo, opts?: IssueOptions): Promise<IssuedTokens>;
  /** The session a refresh token belongs to, if the token is known (for logout by refresh token). */
  sessionOf(refreshToken: string): Promise<SessionRecord | undefined>;
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
  /** Seconds. */
  accessTtl: number;
  refreshTtl: number;
  sessionMaxAge: number;
  reuseInterval: number;
}

const invalidGrant = (description?: string): ApiError =>
  new ApiError('invalid_grant', description === undefined ? {} : { description });

export function createRefreshService(opts: RefreshServiceOptions): RefreshService {
  const { stores, keys, clock, audit } = opts;

  // Made before anything is stored or spent, so a claims hook that fails (503) costs nothing.
  async function accessTokenFor(
    user: UserRecord,
    session: Pick<SessionRecord, 'id'> & Partial<SessionRecord>,
    issueOpts: IssueOptions | undefined,
  ): Promise<string> {
    const base = { sub: user.id, sid: session.id, roles: user.roles };
    const audience = issueOpts?.audience;
    return opts.tokens
      ? opts.tokens.issueUserToken({ user, session: session as SessionRecord, base, audience })
      : keys.signAccessToken(base, audience === undefined ? {} : { audience });
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

  /** Loads what a refresh needs and checks it is still alive; any failure is the same invalid_grant. */
  async function liveFamily(sessionId: string, userId: string, now: number) {
    const session = await stores.sessions.get(sessionId);
    if (!session || session.revokedAt !== null) throw invalidGrant();
    if (session.expiresAt <= now)
      throw invalidGrant('The session has reached its maximum age; sign in again.');
    const user = await stores.users.findById(userId);
    if (!user || user.disabled) throw invalidGrant();
    return { session, user };
  }

  async function onReuse(session: SessionRecord, client: ClientInfo, spentAt: number): Promise<never> {
    await opts.sessions.revoke(session.id, 'reuse');
    await audit.record('refresh_reuse_detected', {
      sub: session.userId,
      sessionId: session.id,
      ip: client.ip,
      details: { spent_ms_ago: clock.now() - spentAt },
    });
    opts.metrics?.refreshReuseDetected();
    throw invalidGrant('The refresh token was already used; the session has been revoked.');
  }

  return {
    async startSession(user, client, issueOpts) {
      const now = clock.now();
      const sessionId = randomBytes(12).toString('base64url');
      const accessToken = await accessTokenFor(user, { id: sessionId }, issueOpts);
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
      if (!isRefreshTokenShape(presented)) throw invalidGrant();
      const now = clock.now();
      const hash = hashRefreshToken(presented);
      const record = await stores.refreshTokens.get(hash);
      if (!record) throw invalidGrant();
      const { session, user } = await liveFamily(record.sessionId, record.userId, now);
      if (record.spentAt === null && record.expiresAt <= now) throw invalidGrant();

      const successor = deriveSuccessor(opts.successorKey, presented);
      const successorHash = hashRefreshToken(successor);
      const successorExpiresAt = Math.min(now + opts.refreshTtl * 1000, session.expiresAt);
      const fresh = record.spentAt === null ? await accessTokenFor(user, session, issueOpts) : undefined;
      const result = await stores.refreshTokens.consume(hash, now, {
        hash: successorHash,
        sessionId: session.id,
        userId: user.id,
        createdAt: now,
        expiresAt: successorExpiresAt,
      });

      if (result.status === 'unknown') throw invalidGrant();
      if (result.status === 'spent') {
        const spentAt = result.token.spentAt ?? 0;
        const inGrace =
          now - spentAt <= opts.reuseInterval * 1000 && result.token.successorHash === successorHash;
        if (!inGrace) return onReuse(session, client, spentAt);
        // Same successor as the first caller got: two tabs racing or a retried request.
        const existing = await stores.refreshTokens.get(successorHash);
        if (!existing) throw invalidGrant();
        opts.metrics?.tokenIssued('refresh');
        const accessToken = fresh ?? (await accessTokenFor(user, session, issueOpts));
        return issue(accessToken, user, session, successor, existing.expiresAt);
      }

      await stores.sessions.touch(session.id, now, client.ip);
      await audit.record('refresh_succeeded', { sub: user.id, sessionId: session.id, ip: client.ip });
      opts.metrics?.tokenIssued('refresh');
      return issue(
        fresh ?? (await accessTokenFor(user, session, issueOpts)),
        user,
        session,
        successor,
        successorExpiresAt,
      );
    },

    async sessionOf(presented) {
      if (!isRefreshTokenShape(presented)) return undefined;
      const record = await stores.refreshTokens.get(hashRefreshToken(presented));
      return record ? stores.sessions.get(record.sessionId) : undefined;
    },
  };
}
