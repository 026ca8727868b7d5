// GET /console/...: the web console (a single-page app). Hashed files under /console/assets/ are
// cached for a year as immutable; index.html is revalidated every time (no-cache) so a new build
// shows at once; any other path without a file extension is a client route and gets index.html.
// Every console response carries a strict Content-Security-Policy: scripts, styles and requests
// from this origin only, no inline code, no framing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import { type ConsoleFile, findConsoleDir, loadConsoleFiles } from '../http/console-files.js';
import { pageCsp } from '../http/page-csp.js';
import { ErrorBody } from '../schemas/fields.js';
import { routeSchema } from '../schemas/zod-provider.js';

export const CONSOLE_CSP = pageCsp();

const IMMUTABLE = 'public, max-age=31536000, immutable';

export async function consoleRoutes(
  app: FastifyInstance,
  _ctx: AppContext,
  dir = findConsoleDir(),
): Promise<void> {
  const files = dir ? loadConsoleFiles(dir) : new Map<string, ConsoleFile>();
  const index = files.get('/index.html');

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!index) {
      throw new ApiError('not_found', {
        description: 'The console is not built: run `npm run build` (it builds packages/console).',
      });
    }
    const query = request.url.indexOf('?');
    const url = query === -1 ? request.url : request.url.slice(0, query);
    const path = url.slice('/console'.length) || '/';
    let file = files.get(path);
    let cache = 'public, max-age=3600';
    if (file === index) cache = 'no-cache';
    else if (file && path.startsWith('/assets/')) cache = IMMUTABLE;
    else if (!file) {
      // Missing assets and files are 404s; extension-less paths are the app's own routes.
      if (path.startsWith('/assets/') || extname(path) !== '') throw new ApiError('not_found');
      file = index;
      cache = 'no-cache';
    }
    // A page whose URL has a query (a mail link carries its token there) is not stored by any
    // cache, so no cache keeps the URL.
    if (file === index && query !== -1) cache = 'no-store';
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('cache-control', cache);
    reply.header('vary', 'accept-encoding');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.type(file.type);
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const gzip = acceptsGzip ? file.gzip : undefined;
    // Each encoding is its own representation, so its own (strong) ETag.
    const etag = gzip ? `${file.etag.slice(0, -1)}-gz"` : file.etag;
    reply.header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    if (gzip) {
      reply.header('content-encoding', 'gzip');
      return reply.send(gzip);
    }
    return reply.send(file.body);
  };

  // The bodies are files (HTML, scripts, styles, images), so the schema only describes them. Left
  // out of the API description (`hide`): static files of a page, not part of the API.
  const schema = {
    hide: true,
    summary: 'The web console (single-page app and its static files)',
    response: { 200: z.unknown().describe('a console file'), 304: z.undefined(), 404: ErrorBody },
  };
  const route = routeSchema(app);
  route.get('/console', { schema }, handler);
  route.get('/console/*', { schema }, handler);
}

function extname(path: string): string {
  const last = path.slice(path.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return dot > 0 ? last.slice(dot) : '';
}
