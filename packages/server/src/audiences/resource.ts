// RFC 8707 resource indicators on login and refresh: `resource` is one audience or several (a JSON
// string or array; a form may repeat the parameter), each of which must be in TESSERA_AUDIENCES.
// The access token's `aud` is exactly what was asked; without `resource` it is TESSERA_AUDIENCE.
import { badRequest } from '../errors.js';
import { DomainError } from '../services/domain-error.js';

const MAX_RESOURCES = 8;
const MAX_LENGTH = 200;

export function invalidTarget(description: string): DomainError {
  return new DomainError({ code: 'invalid_target', message: description });
}

/** The `resource` parameter of a body as a list; undefined when absent. 400 when malformed. */
export function resourceParameter(body: unknown): string[] | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const value = (body as Record<string, unknown>).resource;
  if (value === undefined || value === '') return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((r) => typeof r !== 'string' || r === '')) {
    throw badRequest('resource must be a non-empty string or an array of them');
  }
  if (list.length > MAX_RESOURCES) throw badRequest(`resource: at most ${MAX_RESOURCES} audiences`);
  if (list.some((r) => (r as string).length > MAX_LENGTH)) throw badRequest('resource is too long');
  return [...new Set(list as string[])];
}

/**
 * The `aud` for a user token: undefined (the default audience) without `resource`, else the one
 * string or the list asked for. Anything not in `allowed` is 400 invalid_target.
 */
export function audienceFor(body: unknown, allowed: readonly string[]): string | string[] | undefined {
  const asked = resourceParameter(body);
  if (asked === undefined) return undefined;
  const unknown = asked.find((r) => !allowed.includes(r));
  if (unknown !== undefined) {
    throw invalidTarget(`resource "${unknown.slice(0, 100)}" is not an audience of this server`);
  }
  return asked.length === 1 ? asked[0] : asked;
}
