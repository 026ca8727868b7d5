// Revoking sessions: the session row, its refresh-token family and (through the deny-list) every
// access token carrying its `sid`. Used by logout, logout-all, DELETE /v1/sessions, reuse detection.
import type { Clock } from '../app-context.js';
import type { AuditEvent, AuditLog, RevocationService } from '../services/types.js';
import type { SessionRecord, Stores } from '../stores/types.js';

export interface SessionService {
  /** Live sessions of a user, newest first. */
  listActive(userId: string): Promise<SessionRecord[]>;
  /** Revokes one session; false if it was already revoked or unknown. */
  revoke(
    sessionId: string,
    reason: string,
    audit?: { event: AuditEvent; ip?: string | null; actor?: string | null },
  ): Promise<boolean>;
  /** Revokes every live session of the user but `exceptId`; returns the revoked ids. */
  revokeAll(userId: string, reason: string, exceptId?: string): Promise<string[]>;
}

export interface SessionServiceOptions {
  stores: Pick<Stores, 'sessions' | 'refreshTokens'>;
  revocations: Pick<RevocationService, 'revokeSession'>;
  audit: AuditLog;
  clock: Clock;
}

export function createSessionService(opts: SessionServiceOptions): SessionService {
  const { stores, revocations, audit, clock } = opts;

  async function cutSession(sessionId: string): Promise<void> {
    await stores.refreshTokens.revokeFamily(sessionId);
    await revocations.revokeSession(sessionId);
  }

  return {
    listActive(userId) {
      return stores.sessions.listActiveByUser(userId, clock.now());
    },

    async revoke(sessionId, reason, auditInfo) {
      const now = clock.now();
      const session = await stores.sessions.get(sessionId);
      const revoked = await stores.sessions.revoke(sessionId, now, reason);
      // Cut the family and access tokens even if another request won the race to mark it revoked.
      if (session) await cutSession(sessionId);
      if (revoked && session && auditInfo) {
        await audit.record(auditInfo.event, {
          sub: session.userId,
          sessionId,
          ip: auditInfo.ip ?? null,
          actor: auditInfo.actor ?? null,
          details: { reason },
        });
      }
      return revoked;
    },

    async revokeAll(userId, reason, exceptId) {
      const now = clock.now();
      const ids = await stores.sessions.revokeAllForUser(userId, now, reason, exceptId);
      for (const id of ids) await cutSession(id);
      return ids;
    },
  };
}
