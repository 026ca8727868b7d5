// Every route module, registered in one place. Each module is `xxxRoutes(app, ctx)`.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { authLoginRoutes } from './auth-login.js';
import { authLogoutRoutes } from './auth-logout.js';
import { authPasswordRoutes } from './auth-password.js';
import { authRefreshRoutes } from './auth-refresh.js';
import { authRegisterRoutes } from './auth-register.js';
import { meRoutes } from './me.js';
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

  // Keys, revocation, OAuth, admin, health and metrics (operations): registered below.
}
