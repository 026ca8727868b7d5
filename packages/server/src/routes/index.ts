// Every route module, registered in one place. Each module is `xxxRoutes(app, ctx)`.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { accountLifecycleRoutes } from './account-lifecycle.js';
import { adminAuditRoutes } from './admin-audit.js';
import { adminClientsRoutes } from './admin-clients.js';
import { adminKeysRoutes } from './admin-keys.js';
import { adminMetricsRoutes } from './admin-metrics.js';
import { adminMfaRoutes } from './admin-mfa.js';
import { adminUsersRoutes } from './admin-users.js';
import { authLoginRoutes } from './auth-login.js';
import { authLogoutRoutes } from './auth-logout.js';
import { authMfaRoutes } from './auth-mfa.js';
import { authPasswordRoutes } from './auth-password.js';
import { authRefreshRoutes } from './auth-refresh.js';
import { authRegisterRoutes } from './auth-register.js';
import { authzRoutes } from './authz.js';
import { consoleRoutes } from './console.js';
import { discoveryRoutes } from './discovery.js';
import { healthRoutes } from './health.js';
import { jwksRoutes } from './jwks.js';
import { meRoutes } from './me.js';
import { meFactorsRoutes } from './me-factors.js';
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
  // Second factors (mfa/): enrolment, the second sign-in step, passkey sign-in, step-up.
  await authMfaRoutes(app, ctx);
  await meFactorsRoutes(app, ctx);
  await accountLifecycleRoutes(app, ctx);

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
  await adminMetricsRoutes(app, ctx);

  // The web console's static files (packages/console).
  await consoleRoutes(app, ctx);
  await adminMfaRoutes(app, ctx);
}
