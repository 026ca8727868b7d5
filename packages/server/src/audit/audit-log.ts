// The AuditLog service: writes security events to stores.audit. Details are scrubbed of anything
// that looks like a credential, and an audit write failure is logged, never turned into a 500.
import type { Logger } from 'pino';
import type { Clock } from '../app-context.js';
import type { AuditLog } from '../services/types.js';
import type { AuditStore } from '../stores/types.js';

const SECRET_KEY = /token|password|secret|authorization|cookie/i;

export interface AuditLogOptions {
  store: AuditStore;
  clock: Clock;
  logger?: Pick<Logger, 'error' | 'info'> & Partial<Pick<Logger, 'debug' | 'isLevelEnabled'>>;
}

export function createAuditLog(opts: AuditLogOptions): AuditLog {
  return {
    async record(event, fields) {
      const entry = {
        at: opts.clock.now(),
        event,
        sub: fields.sub ?? null,
        actor: fields.actor ?? null,
        ip: fields.ip ?? null,
        sessionId: fields.sessionId ?? null,
        details: scrub(fields.details ?? {}),
      };
      // Security events are the `info` log (one line each, request lines are `debug`); a successful
      // refresh is routine traffic and logs at debug.
      const level = event === 'refresh_succeeded' ? 'debug' : 'info';
      if (level === 'info' || opts.logger?.isLevelEnabled?.('debug')) {
        opts.logger?.[level]?.(
          {
            event,
            sub: entry.sub,
            actor: entry.actor,
            ip: entry.ip,
            sessionId: entry.sessionId,
            details: entry.details,
          },
          'audit',
        );
      }
      try {
        await opts.store.append(entry);
      } catch (err) {
        opts.logger?.error({ err, event }, 'audit write failed');
      }
    },
  };
}

/** Drops keys that name credentials; the audit trail must never become a token store. */
function scrub(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (!SECRET_KEY.test(key)) out[key] = value;
  }
  return out;
}
