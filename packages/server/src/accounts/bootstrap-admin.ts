// Creates the first admin at start-up from TESSERA_BOOTSTRAP_ADMIN_EMAIL/_PASSWORD when no user
// has the admin role yet. Idempotent: with an admin present it does nothing.
import type { Logger } from 'pino';
import type { Clock } from '../app-context.js';
import { DomainError } from '../services/domain-error.js';
import type { AuditLog } from '../services/types.js';
import type { UserStore } from '../stores/types.js';
import { createAccount } from './accounts.js';
import { normalizeEmail } from './email.js';

export interface BootstrapAdminOptions {
  users: UserStore;
  audit: AuditLog;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
  admin: { email: string; password: string } | undefined;
}

/** Returns the id of the admin it created, or undefined when nothing was done. */
export async function ensureBootstrapAdmin(opts: BootstrapAdminOptions): Promise<string | undefined> {
  if (!opts.admin) return undefined;
  if ((await opts.users.countWithRole('admin')) > 0) return undefined;
  const email = normalizeEmail(opts.admin.email);
  const existing = await opts.users.findByEmail(email);
  if (existing) {
    // The address exists without the admin role: promote it rather than fail the start-up.
    await opts.users.update(existing.id, {
      roles: [...new Set([...existing.roles, 'admin'])],
      updatedAt: opts.clock.now(),
    });
    await opts.audit.record('user_changed', {
      sub: existing.id,
      actor: 'bootstrap',
      details: { roles_added: ['admin'] },
    });
    opts.logger.warn({ userId: existing.id }, 'bootstrap admin: existing user promoted to admin');
    return existing.id;
  }
  try {
    const user = await createAccount(opts.users, opts.clock, {
      email,
      password: opts.admin.password,
      roles: ['admin'],
    });
    await opts.audit.record('user_created', {
      sub: user.id,
      actor: 'bootstrap',
      details: { roles: user.roles },
    });
    opts.logger.info({ userId: user.id }, 'bootstrap admin created');
    return user.id;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'weak_password') {
      throw new Error(`TESSERA_BOOTSTRAP_ADMIN_PASSWORD is refused by the password policy: ${err.message}`);
    }
    if (err instanceof DomainError && err.code === 'email_taken') return undefined; // another instance won
    throw err;
  }
}
