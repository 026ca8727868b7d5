// The same small protected service in each framework, really listening on 127.0.0.1:
//   GET /me     authenticated (header or cookie `at`)  -> 200 {sub, roles, sid, scopes}
//   GET /admin  authenticated + role admin             -> 200 / 403
//   GET /scoped authenticated + scope orders:read      -> 200 / 403
//   GET /ws     token from the query string allowed (WebSocket-style) -> 200
//   GET /open   optional auth                          -> 200 {sub|null}
//   GET /sensitive  authenticated + amr mfa within 5 min (RFC 9470 step-up) -> 200 / 401
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { tesseraExpress } from '../../src/express.js';
import {
  fastifyRequireAuthentication,
  fastifyRequireRoles,
  fastifyRequireScopes,
  tesseraFastify,
} from '../../src/fastify.js';
import { type TesseraEnv, tesseraHono } from '../../src/hono.js';
import { type AuthInfo, type AuthOptions, createNodeAuth, type TokenVerifier } from '../../src/index.js';

export interface App {
  url: string;
  close(): Promise<void>;
}

const view = (auth: AuthInfo | null | undefined) =>
  auth
    ? { sub: auth.sub, roles: auth.roles, sid: auth.sid, scopes: auth.scopes, act: auth.act }
    : { sub: null };

function listen(server: Server): Promise<App> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/** The step-up rule of /sensitive: a second factor, proven at most five minutes ago. */
export const STEP_UP = { requireAmr: ['mfa'], maxAuthAge: 300 };

type Builder = (verifier: TokenVerifier, options: AuthOptions) => Promise<App>;

function expressApp(factory: typeof express): Builder {
  return async (verifier, options) => {
    const app = factory();
    const auth = tesseraExpress(verifier, { ...options, cookie: 'at' });
    const authQuery = tesseraExpress(verifier, { ...options, query: true });
    const optional = tesseraExpress(verifier, { ...options, optional: true });
    app.get('/me', auth, (req, res) => {
      res.json(view(req.auth));
    });
    app.get('/admin', auth, auth.requireRoles('admin'), (req, res) => {
      res.json(view(req.auth));
    });
    app.get('/scoped', auth, auth.requireScopes('orders:read'), (req, res) => {
      res.json(view(req.auth));
    });
    app.get('/sensitive', auth, auth.requireAuthentication(STEP_UP), (req, res) => {
      res.json(view(req.auth));
    });
    app.get('/ws', authQuery, (req, res) => {
      res.json(view(req.auth));
    });
    app.get('/open', optional, (req, res) => {
      res.json(view(req.auth));
    });
    return listen(createServer(app));
  };
}

const fastifyApp: Builder = async (verifier, options) => {
  const app = Fastify();
  await app.register(async (scope) => {
    await scope.register(tesseraFastify, { verifier, ...options, cookie: 'at' });
    scope.get('/me', async (request) => view(request.auth));
    scope.get('/admin', { preHandler: fastifyRequireRoles('admin') }, async (request) => view(request.auth));
    scope.get('/scoped', { preHandler: fastifyRequireScopes('orders:read') }, async (request) =>
      view(request.auth),
    );
    scope.get('/sensitive', { preHandler: fastifyRequireAuthentication(STEP_UP) }, async (request) =>
      view(request.auth),
    );
  });
  await app.register(async (scope) => {
    await scope.register(tesseraFastify, { verifier, ...options, query: true });
    scope.get('/ws', async (request) => view(request.auth));
  });
  await app.register(async (scope) => {
    await scope.register(tesseraFastify, { verifier, ...options, optional: true });
    scope.get('/open', async (request) => view(request.auth));
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
};

const honoApp: Builder = async (verifier, options) => {
  const app = new Hono<TesseraEnv>();
  const auth = tesseraHono(verifier, { ...options, cookie: 'at' });
  app.get('/me', auth, (c) => c.json(view(c.get('auth'))));
  app.get('/admin', auth, auth.requireRoles('admin'), (c) => c.json(view(c.get('auth'))));
  app.get('/scoped', auth, auth.requireScopes('orders:read'), (c) => c.json(view(c.get('auth'))));
  app.get('/sensitive', auth, auth.requireAuthentication(STEP_UP), (c) => c.json(view(c.get('auth'))));
  app.get('/ws', tesseraHono(verifier, { ...options, query: true }), (c) => c.json(view(c.get('auth'))));
  app.get('/open', tesseraHono(verifier, { ...options, optional: true }), (c) => c.json(view(c.get('auth'))));
  return listen(createServer(getRequestListener(app.fetch)));
};

const nodeApp: Builder = async (verifier, options) => {
  const auth = createNodeAuth(verifier, { ...options, cookie: 'at' });
  const authQuery = createNodeAuth(verifier, { ...options, query: true });
  const optional = createNodeAuth(verifier, { ...options, optional: true });
  const reply = auth.withAuth((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(view(req.auth)));
  });
  const routes: Record<string, ReturnType<typeof auth.withAuth>> = {
    '/me': reply,
    '/admin': auth.withAuth(
      (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(view(req.auth)));
      },
      { requireRoles: ['admin'] },
    ),
    '/scoped': auth.withAuth(
      (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(view(req.auth)));
      },
      { requireScopes: ['orders:read'] },
    ),
    '/sensitive': auth.withAuth((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(view(req.auth)));
    }, STEP_UP),
    '/ws': authQuery.withAuth((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(view(req.auth)));
    }),
    '/open': optional.withAuth((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(view(req.auth)));
    }),
  };
  return listen(
    createServer((req, res) => {
      const route = routes[(req.url ?? '/').split('?')[0] as string];
      if (route) return route(req, res);
      res.writeHead(404).end();
    }),
  );
};

export const builders: Record<string, Builder> = {
  'express 5': expressApp(express),
  'express 4': expressApp(express4),
  'fastify 5': fastifyApp,
  'hono 4': honoApp,
  'node:http': nodeApp,
};
