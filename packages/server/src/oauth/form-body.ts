// application/x-www-form-urlencoded bodies for the OAuth endpoints (RFC 6749 section 4.4,
// RFC 7662, RFC 7009). Registered only in the OAuth routes' scope; the rest of the API is JSON.
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors.js';

const REPEATABLE = new Set(['resource', 'audience']);

export function addFormParser(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      const params = new URLSearchParams(body as string);
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of params) {
        // RFC 8707 and RFC 8693 let `resource` and `audience` repeat (several audiences).
        if (REPEATABLE.has(name)) {
          const previous = out[name];
          out[name] = previous === undefined ? value : [...[previous].flat(), value];
          continue;
        }
        // RFC 6749 section 3.2: other parameters must not be repeated.
        if (Object.hasOwn(out, name)) {
          done(badRequest(`parameter ${name} is repeated`), undefined);
          return;
        }
        out[name] = value;
      }
      done(null, out);
    },
  );
}

/** A string parameter of a form or JSON body; undefined when absent, 400 when not a string. */
export function param(body: unknown, name: string, max = 4096): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be an object');
  const value = (body as Record<string, unknown>)[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  if (value.length > max) throw badRequest(`${name} is too long`);
  return value;
}
