// Every route module, registered in one place. Each module is `xxxRoutes(app, ctx)`.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { accountLifecycleRoutes } from './account-lifecycle.js';
import { accountPagesRoutes } from './account-pages.js';
import { adminAuditRoutes } from './admin-audit.js';
import { adminClientsRoutes } from './admin-clients.js';
import { adminKeysRoutes } from './admin-keys.js';
import { adminUsersRoutes } from './admin-users.js';
import { authLoginRoutes } from './auth-login.js';
import { authLogoutRoutes } from './auth-logout.js';
import { authPasswordRoutes } from './auth-password.js';
import { authRefreshRoutes } from './auth-refresh.js';
import { authRegisterRoutes } from './auth-register.js';
import { authzRoutes } from './authz.js';
import { discoveryRoutes } from './discovery.js';
import { healthRoutes } from './health.js';
import { jwksRoutes } from './jwks.js';
import { meRoutes } from './me.js';
import { metricsRoutes } from './metrics.js';
import { oauthIntrospectRoutes } from './oauth-introspect.js';
import { oauthRevokeRoutes } from './oauth-revoke.js';
import { oauthTokenRoutes } from './oauth-token.js';
import { revocationsRoutes } from './revocations.js';
import { sessionsRoutes } from './sessions.js';

export async function registerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Accounts and sessions (flows).
  await authRegisterRoutes(app, ctx);
  await authLoginRoutes(app, ctx);
  await authRefreshRoutes(app, ctx);
  await authLogoutRoutes(app, ctx);
  await authPasswordRoutes(app, ctx);
  await meRoutes(app, ctx);
  await sessionsRoutes(app, ctx);
  await accountLifecycleRoutes(app, ctx);
  // Until the console serves the pages of mail links (remove this line when it does).
  await accountPagesRoutes(app, ctx);

  // Keys, revocation, OAuth, admin, health and metrics (operations): registered below.
  await metricsRoutes(app, ctx);
  await healthRoutes(app, ctx);
  await jwksRoutes(app, ctx);
  await discoveryRoutes(app, ctx);
  await revocationsRoutes(app, ctx);
  await authzRoutes(app, ctx);
  await oauthTokenRoutes(app, ctx);
  await oauthIntrospectRoutes(app, ctx);
  await oauthRevokeRoutes(app, ctx);
  await adminUsersRoutes(app, ctx);
  await adminKeysRoutes(app, ctx);
  await adminAuditRoutes(app, ctx);
  await adminClientsRoutes(app, ctx);
}
