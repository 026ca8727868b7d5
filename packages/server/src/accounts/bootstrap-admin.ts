// Creates the first admin at start-up from TESSERA_BOOTSTRAP_ADMIN_EMAIL/_PASSWORD when no user
// has the admin role yet. Idempotent: with an admin present it does nothing. An existing account
// with that email is refused (ConfigError, exit 2), never promoted.
import type { Logger } from 'pino';
import type { Clock } from '../app-context.js';
import { ConfigError } from '../config/config.js';
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
    // Never promote an account the operator did not create here: anyone may have registered this
    // address before the variable was set, with a password of their choosing.
    throw new ConfigError(
      'TESSERA_BOOTSTRAP_ADMIN_EMAIL',
      'an account with this email already exists and is not an admin; Tessera does not promote an ' +
        'account it did not create. If the account is yours, grant the role with ' +
        '`tessera users set-roles EMAIL admin` and unset this variable; otherwise name a new address.',
    );
  }
  try {
    const user = await createAccount(opts.users, opts.clock, {
      email,
      password: opts.admin.password,
      roles: ['admin'],
    });
    // The operator chose this address: it counts as verified (login may require it).
    await opts.users.update(user.id, { emailVerifiedAt: user.createdAt, updatedAt: user.createdAt });
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
